package dev.finetune.model.backbone;

import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * MobileNet V1's body as slim's {@code mobilenet_v1_base} builds it: {@code Conv2d_0} (3×3, stride
 * 2) then 13 depthwise-separable blocks {@code Conv2d_i_depthwise} (3×3, stride on the depthwise
 * conv) + {@code Conv2d_i_pointwise} (1×1), each conv followed by batch norm and the activation.
 */
public final class MobileNetV1 {
  private MobileNetV1() {}

  /** A layer of the body: 3×3 full conv (only the first) or a depthwise-separable block. */
  record ConvDef(boolean separable, int stride, int depth) {}

  static final ConvDef[] CONV_DEFS = {
    new ConvDef(false, 2, 32),
    new ConvDef(true, 1, 64),
    new ConvDef(true, 2, 128),
    new ConvDef(true, 1, 128),
    new ConvDef(true, 2, 256),
    new ConvDef(true, 1, 256),
    new ConvDef(true, 2, 512),
    new ConvDef(true, 1, 512),
    new ConvDef(true, 1, 512),
    new ConvDef(true, 1, 512),
    new ConvDef(true, 1, 512),
    new ConvDef(true, 1, 512),
    new ConvDef(true, 2, 1024),
    new ConvDef(true, 1, 1024),
  };

  /**
   * The FPN extractors' "detection friendly" body with use_depthwise
   * ({@code _create_modified_mobilenet_config}): Conv2d_12 512 deep, Conv2d_13 256.
   */
  static ConvDef[] fpnDepthwiseDefs() {
    ConvDef[] defs = CONV_DEFS.clone();
    defs[12] = new ConvDef(true, 2, 512);
    defs[13] = new ConvDef(true, 1, 256);
    return defs;
  }

  /**
   * The output depth of a layer of nominal depth {@code d}: max(int(d·multiplier), minDepth), the
   * product taken in double as Python does with the proto's float multiplier.
   */
  public static int depth(double d, float depthMultiplier, int minDepth) {
    return Math.max((int) (d * (double) depthMultiplier), minDepth);
  }

  /**
   * Builds the body up to {@code Conv2d_13_pointwise} and returns every end point by name
   * ("Conv2d_0", "Conv2d_1_depthwise", "Conv2d_1_pointwise", ...).
   *
   * @param scope the variable scope, e.g. "FeatureExtractor/MobilenetV1"
   */
  public static Map<String, Operand<TFloat32>> base(
      SlimLayers layers,
      Operand<TFloat32> inputs,
      String scope,
      float depthMultiplier,
      int minDepth,
      boolean useExplicitPadding,
      ConvHyperparams hp,
      boolean bnTraining) {
    return base(
        layers, inputs, scope, depthMultiplier, minDepth, useExplicitPadding, hp, bnTraining,
        CONV_DEFS);
  }

  /** {@link #base} with other layer definitions (slim's {@code conv_defs}). */
  static Map<String, Operand<TFloat32>> base(
      SlimLayers layers,
      Operand<TFloat32> inputs,
      String scope,
      float depthMultiplier,
      int minDepth,
      boolean useExplicitPadding,
      ConvHyperparams hp,
      boolean bnTraining,
      ConvDef[] defs) {
    Map<String, Operand<TFloat32>> endPoints = new LinkedHashMap<>();
    Operand<TFloat32> net = inputs;
    for (int i = 0; i < defs.length; i++) {
      ConvDef def = defs[i];
      String base = "Conv2d_" + i;
      if (!def.separable()) {
        String s = ModelScopes.join(scope, base);
        if (useExplicitPadding) {
          net = layers.fixedPadding(net, s, 3);
        }
        net =
            layers.conv2d(
                net, s, depth(def.depth(), depthMultiplier, minDepth), 3, def.stride(),
                useExplicitPadding, hp, bnTraining);
        endPoints.put(base, net);
        continue;
      }
      String dw = ModelScopes.join(scope, base + "_depthwise");
      if (useExplicitPadding) {
        net = layers.fixedPadding(net, dw, 3);
      }
      net = layers.depthwise(net, dw, 3, def.stride(), useExplicitPadding, hp, bnTraining);
      endPoints.put(base + "_depthwise", net);
      String pw = ModelScopes.join(scope, base + "_pointwise");
      net =
          layers.conv2d(
              net, pw, depth(def.depth(), depthMultiplier, minDepth), 1, 1, false, hp, bnTraining);
      endPoints.put(base + "_pointwise", net);
    }
    return endPoints;
  }
}
