package dev.finetune.model.backbone;

import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The API's {@code feature_map_generators.multi_resolution_feature_maps} with {@code
 * insert_1x1_conv}: the SSD feature maps from a backbone's end points. A map with a {@code
 * from_layer} is that end point; every other map is a 1×1 conv to half its depth then a 3×3
 * stride-2 conv (depthwise then 1×1 with {@code use_depthwise}), named {@code
 * {base}_1_Conv2d_{i}_1x1_{d/2}} and {@code {base}_2_Conv2d_{i}_3x3_s2_{d}} after the last
 * {@code from_layer}.
 *
 * @param fromLayer per map, the end point it is, or "" for an extra layer
 * @param layerDepth per map, the nominal depth of an extra layer (ignored for end points)
 */
public record MultiResolutionFeatureMaps(
    String[] fromLayer,
    int[] layerDepth,
    float depthMultiplier,
    int minDepth,
    boolean useDepthwise,
    boolean useExplicitPadding) {

  /** feature_map_generators' depth_fn: max(int(d·multiplier), minDepth). */
  public int depth(double nominal) {
    return MobileNetV1.depth(nominal, depthMultiplier, minDepth);
  }

  /**
   * @param scope where the extra layers' variables go (the backbone's scope)
   * @param endPoints the backbone's end points by name
   * @param numLayers how many maps (the first {@code numLayers} of the layout)
   */
  public List<Operand<TFloat32>> build(
      SlimLayers layers,
      String scope,
      Map<String, Operand<TFloat32>> endPoints,
      int numLayers,
      ConvHyperparams hp,
      boolean bnTraining) {
    List<Operand<TFloat32>> maps = new ArrayList<>();
    String baseFromLayer = "";
    for (int i = 0; i < numLayers; i++) {
      if (!fromLayer[i].isEmpty()) {
        baseFromLayer = fromLayer[i];
        Operand<TFloat32> map = endPoints.get(fromLayer[i]);
        if (map == null) {
          throw new IllegalStateException("the backbone has no end point " + fromLayer[i]);
        }
        maps.add(map);
        continue;
      }
      Operand<TFloat32> pre = maps.get(maps.size() - 1);
      int d1 = depth(layerDepth[i] / 2.0);
      String s1 = ModelScopes.join(scope, layerName(baseFromLayer, 1, i, "1x1", d1));
      Operand<TFloat32> net = layers.conv2d(pre, s1, d1, 1, 1, false, hp, bnTraining);
      int d2 = depth(layerDepth[i]);
      String s2 = ModelScopes.join(scope, layerName(baseFromLayer, 2, i, "3x3_s2", d2));
      if (useExplicitPadding) {
        net = layers.fixedPadding(net, s2, 3);
      }
      boolean valid = useExplicitPadding;
      if (useDepthwise) {
        net = layers.depthwise(net, s2 + "_depthwise", 3, 2, valid, hp, bnTraining);
        net = layers.conv2d(net, s2, d2, 1, 1, false, hp, bnTraining);
      } else {
        net = layers.conv2d(net, s2, d2, 3, 2, valid, hp, bnTraining);
      }
      maps.add(net);
    }
    return maps;
  }

  /** "{base}_{1|2}_Conv2d_{index}_{kernel}_{depth}", as feature_map_generators names them. */
  static String layerName(String base, int part, int index, String kernel, int depth) {
    return base + "_" + part + "_Conv2d_" + index + "_" + kernel + "_" + depth;
  }
}
