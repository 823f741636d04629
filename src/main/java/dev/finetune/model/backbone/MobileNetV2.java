package dev.finetune.model.backbone;

import dev.finetune.model.Activation;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ConvHyperparams.BatchNormParams;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * MobileNet V2's body as slim's {@code mobilenet_v2.mobilenet_base} builds it ({@code V2_DEF}):
 * {@code Conv} (3×3, stride 2, 32), 17 inverted residual blocks {@code expanded_conv},
 * {@code expanded_conv_1} .. {@code expanded_conv_16} and {@code Conv_1} (1×1, 1280). A block is a
 * 1×1 {@code expand} conv to 6× its input depth (none in the first block, whose expansion factor
 * is 1), a 3×3 {@code depthwise} conv carrying the stride, and a linear 1×1 {@code project} conv,
 * plus the input when the stride is 1 and the depths match. Every conv is followed by batch norm
 * (center and scale) and ReLU6, except {@code project}, which has batch norm and no activation.
 *
 * <p>End points use slim's names: {@code layer_1} ({@code Conv}) .. {@code layer_19} ({@code
 * Conv_1}); for a block {@code layer_N} also {@code layer_N/expansion_output} (the expand conv's
 * ReLU6 output, absent in {@code layer_2}), {@code layer_N/depthwise_output} and {@code
 * layer_N/output} (= {@code layer_N}). SSD reads {@code layer_15/expansion_output} and {@code
 * layer_19}; FPN reads {@code layer_4}, {@code layer_7}, {@code layer_14} and {@code layer_19}.
 */
public final class MobileNetV2 {
  /** The variable scope slim's SSD feature extractors open for the body. */
  public static final String SCOPE_NAME = "MobilenetV2";
  /** The last end point. */
  public static final String LAST_END_POINT = "layer_19";
  /** Nominal depth of {@code Conv_1}, the last layer. */
  public static final int CONV_1_DEPTH = 1280;

  private MobileNetV2() {}

  /** An inverted residual block of {@code V2_DEF}: stride, nominal output depth, expansion. */
  record BlockDef(int stride, int depth, int expansion) {}

  static final int STEM_DEPTH = 32;
  static final BlockDef[] BLOCKS = {
    new BlockDef(1, 16, 1),
    new BlockDef(2, 24, 6),
    new BlockDef(1, 24, 6),
    new BlockDef(2, 32, 6),
    new BlockDef(1, 32, 6),
    new BlockDef(1, 32, 6),
    new BlockDef(2, 64, 6),
    new BlockDef(1, 64, 6),
    new BlockDef(1, 64, 6),
    new BlockDef(1, 64, 6),
    new BlockDef(1, 96, 6),
    new BlockDef(1, 96, 6),
    new BlockDef(1, 96, 6),
    new BlockDef(2, 160, 6),
    new BlockDef(1, 160, 6),
    new BlockDef(1, 160, 6),
    new BlockDef(1, 320, 6),
  };

  /**
   * How to build the body.
   *
   * @param depthMultiplier scales every layer's depth (slim's {@code depth_multiplier})
   * @param minDepth the smallest depth a scaled layer gets (the SSD extractors pass their
   *     {@code min_depth} to slim's {@code depth_multiplier} arg scope)
   * @param useExplicitPadding pad 3×3 convs with {@code fixed_padding} and run them VALID
   * @param hyperparams initializer, regularizer and batch-norm decay/epsilon of the convs; the
   *     activation (ReLU6) and batch norm with center and scale are V2_DEF's own and always apply
   * @param regularizeDepthwise whether the regularizer applies to depthwise weights (slim's
   *     training scope sets none for them; an overriding config arg scope or the Keras model does)
   * @param bnTraining batch norm normalizes with batch statistics and updates its averages
   * @param conv1Depth nominal depth of {@code Conv_1} before the multiplier ({@link #CONV_1_DEPTH};
   *     the FPN-lite extractor uses 256)
   */
  public record Options(
      float depthMultiplier,
      int minDepth,
      boolean useExplicitPadding,
      ConvHyperparams hyperparams,
      boolean regularizeDepthwise,
      boolean bnTraining,
      int conv1Depth) {}

  /**
   * slim's {@code mobilenet_v2.training_scope(bn_decay=0.9997)}, the body's own hyperparameters
   * when the config does not override them: truncated normal 0.09, L2 4e-5 on conv weights (not
   * on depthwise weights), batch norm decay 0.9997, epsilon 0.001.
   */
  public static ConvHyperparams defaultHyperparams() {
    return new ConvHyperparams(
        Activation.RELU_6,
        Optional.of(new ConvHyperparams.Regularizer(ConvHyperparams.Regularizer.Kind.L2, 4e-5f)),
        new ConvHyperparams.TruncatedNormal(0f, 0.09f),
        Optional.of(new BatchNormParams(0.9997f, true, true, 0.001f, true)));
  }

  /** slim's {@code _make_divisible}: v rounded to a multiple of divisor, at least minValue, at most 10% down. */
  public static int makeDivisible(double v, int divisor, int minValue) {
    int newV = Math.max(minValue, (int) (v + divisor / 2.0) / divisor * divisor);
    if (newV < 0.9 * v) {
      newV += divisor;
    }
    return newV;
  }

  /**
   * A layer's output depth: slim's {@code depth_multiplier}: make_divisible(d·multiplier, 8,
   * minDepth), the product taken in double as Python does with the proto's float multiplier.
   */
  public static int depth(int nominal, float depthMultiplier, int minDepth) {
    return makeDivisible(nominal * (double) depthMultiplier, 8, minDepth);
  }

  /** The end point name of layer {@code n} (1-based, as slim counts). */
  public static String layer(int n) {
    return "layer_" + n;
  }

  /**
   * Builds the body up to {@code finalEndPoint} ("layer_1" .. "layer_19") and returns the end
   * points by name (see the class comment).
   *
   * @param scope the variable scope, e.g. "FeatureExtractor/MobilenetV2"
   */
  public static Map<String, Operand<TFloat32>> base(
      SlimLayers layers,
      Operand<TFloat32> inputs,
      String scope,
      Options o,
      String finalEndPoint) {
    if (!(o.depthMultiplier() > 0)) {
      throw new IllegalArgumentException("depth multiplier must be > 0: " + o.depthMultiplier());
    }
    ConvHyperparams hp = o.hyperparams();
    BatchNormParams bn =
        hp.batchNorm().orElse(defaultHyperparams().batchNorm().get());
    // V2_DEF sets batch norm with center and scale and ReLU6 inside the body, over any outer scope.
    bn = new BatchNormParams(bn.decay(), true, true, bn.epsilon(), bn.train());
    ConvHyperparams conv =
        new ConvHyperparams(Activation.RELU_6, hp.regularizer(), hp.initializer(), Optional.of(bn));
    ConvHyperparams depthwise =
        o.regularizeDepthwise()
            ? conv
            : new ConvHyperparams(Activation.RELU_6, Optional.empty(), hp.initializer(), Optional.of(bn));
    ConvHyperparams project =
        new ConvHyperparams(Activation.NONE, hp.regularizer(), hp.initializer(), Optional.of(bn));
    boolean valid = o.useExplicitPadding();
    boolean training = o.bnTraining();

    Map<String, Operand<TFloat32>> endPoints = new LinkedHashMap<>();
    String s = ModelScopes.join(scope, "Conv");
    Operand<TFloat32> net = inputs;
    if (valid) {
      net = layers.fixedPadding(net, s, 3);
    }
    net =
        layers.conv2d(
            net, s, depth(STEM_DEPTH, o.depthMultiplier(), o.minDepth()), 3, 2, valid, conv, training);
    endPoints.put(layer(1), net);
    if (layer(1).equals(finalEndPoint)) {
      return endPoints;
    }
    for (int i = 0; i < BLOCKS.length; i++) {
      BlockDef def = BLOCKS[i];
      String name = layer(i + 2);
      String block = ModelScopes.join(scope, i == 0 ? "expanded_conv" : "expanded_conv_" + i);
      Operand<TFloat32> input = net;
      long inDepth = input.shape().get(3);
      // expand_input_by_factor(6) rounds to a multiple of 8; the first block's factor 1 uses 1.
      int inner = makeDivisible(inDepth * (double) def.expansion(), def.expansion() == 1 ? 1 : 8,
          def.expansion() == 1 ? 1 : 8);
      if (inner > inDepth) {
        net = layers.conv2d(net, ModelScopes.join(block, "expand"), inner, 1, 1, valid, conv, training);
        endPoints.put(name + "/expansion_output", net);
      }
      String dw = ModelScopes.join(block, "depthwise");
      if (valid) {
        net = layers.fixedPadding(net, dw, 3);
      }
      net = layers.depthwise(net, dw, 3, def.stride(), valid, depthwise, training);
      endPoints.put(name + "/depthwise_output", net);
      int outDepth = depth(def.depth(), o.depthMultiplier(), o.minDepth());
      net =
          layers.conv2d(net, ModelScopes.join(block, "project"), outDepth, 1, 1, valid, project, training);
      if (def.stride() == 1 && outDepth == inDepth) {
        net = layers.ops(block).math.add(net, input);
      }
      endPoints.put(name, net);
      endPoints.put(name + "/output", net);
      if (name.equals(finalEndPoint)) {
        return endPoints;
      }
    }
    net =
        layers.conv2d(
            net, ModelScopes.join(scope, "Conv_1"), depth(o.conv1Depth(), o.depthMultiplier(), o.minDepth()),
            1, 1, valid, conv, training);
    endPoints.put(LAST_END_POINT, net);
    return endPoints;
  }
}
