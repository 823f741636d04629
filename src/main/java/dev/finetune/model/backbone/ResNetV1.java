package dev.finetune.model.backbone;

import dev.finetune.model.Activation;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * ResNet V1's body as slim's {@code resnet_v1} builds it for detection ({@code num_classes=None,
 * global_pool=False, store_non_strided_activations=True}): {@code conv1} (7×7 stride 2, explicit
 * padding), {@code pool1} (3×3 max pool stride 2, SAME), then four blocks of bottleneck units
 * {@code blockB/unit_U/bottleneck_v1/{shortcut,conv1,conv2,conv3}} (1×1, 3×3, 1×1 with 4× the
 * base depth out; a 1×1 {@code shortcut} projection where the depth changes), each unit
 * relu(shortcut + residual). The blocks' strides are moved after their end points (a 1×1 max pool
 * subsampling), so {@code block1..block4} have strides 4, 8, 16, 32.
 */
public final class ResNetV1 {
  private ResNetV1() {}

  /** Units per block: resnet_v1_50, _101, _152. */
  public static int[] unitsPerBlock(int layers) {
    return switch (layers) {
      case 50 -> new int[] {3, 4, 6, 3};
      case 101 -> new int[] {3, 4, 23, 3};
      case 152 -> new int[] {3, 8, 36, 3};
      default -> throw new IllegalArgumentException("no resnet_v1_" + layers);
    };
  }

  private static final int[] BASE_DEPTHS = {64, 128, 256, 512};
  private static final int[] BLOCK_STRIDES = {2, 2, 2, 1};

  /**
   * Builds the body and returns the end points "block1".."block4".
   *
   * @param scope e.g. "FeatureExtractor/resnet_v1_50"
   * @param minBaseDepth the smallest bottleneck depth (the extractor's min_depth)
   */
  public static Map<String, Operand<TFloat32>> base(
      SlimLayers layers,
      Operand<TFloat32> inputs,
      String scope,
      int[] units,
      float depthMultiplier,
      int minBaseDepth,
      ConvHyperparams hp,
      boolean bnTraining) {
    String conv1 = ModelScopes.join(scope, "conv1");
    // resnet_utils.conv2d_same with stride 2: explicit (3, 3) padding, then VALID.
    Operand<TFloat32> net = layers.pad(inputs, conv1, 3, 3, 3, 3);
    net = layers.conv2d(net, conv1, 64, 7, 2, true, hp, bnTraining);
    net = layers.maxPool(net, ModelScopes.join(scope, "pool1"), 3, 2, false);
    Map<String, Operand<TFloat32>> endPoints = new LinkedHashMap<>();
    for (int b = 0; b < 4; b++) {
      String block = ModelScopes.join(scope, "block" + (b + 1));
      int baseDepth = Math.max((int) (BASE_DEPTHS[b] * (double) depthMultiplier), minBaseDepth);
      for (int u = 0; u < units[b]; u++) {
        net = bottleneck(layers, net, ModelScopes.join(block, "unit_" + (u + 1), "bottleneck_v1"),
            baseDepth * 4, baseDepth, hp, bnTraining);
      }
      endPoints.put("block" + (b + 1), net);
      if (BLOCK_STRIDES[b] > 1) {
        net = layers.maxPool(net, block, 1, BLOCK_STRIDES[b], false);
      }
    }
    return endPoints;
  }

  /** slim's {@code bottleneck} at stride 1 (the stride having been moved out of the block). */
  static Operand<TFloat32> bottleneck(
      SlimLayers layers, Operand<TFloat32> inputs, String scope, int depth, int depthBottleneck,
      ConvHyperparams hp, boolean bnTraining) {
    long depthIn = inputs.shape().get(3);
    ConvHyperparams linear = hp.withActivation(Activation.NONE);
    Operand<TFloat32> shortcut = depthIn == depth
        ? inputs
        : layers.conv2d(inputs, ModelScopes.join(scope, "shortcut"), depth, 1, 1, false, linear,
            bnTraining);
    Operand<TFloat32> residual = layers.conv2d(
        inputs, ModelScopes.join(scope, "conv1"), depthBottleneck, 1, 1, false, hp, bnTraining);
    residual = layers.conv2d(
        residual, ModelScopes.join(scope, "conv2"), depthBottleneck, 3, 1, false, hp, bnTraining);
    residual = layers.conv2d(
        residual, ModelScopes.join(scope, "conv3"), depth, 1, 1, false, linear, bnTraining);
    Ops tf = layers.ops(scope);
    return tf.nn.relu(tf.math.add(shortcut, residual));
  }
}
