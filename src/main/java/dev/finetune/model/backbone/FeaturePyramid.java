package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import dev.finetune.proto.SsdFeatureExtractor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The feature pyramid of the API's FPN feature extractors: the top-down pathway of
 * {@code feature_map_generators.fpn_top_down_feature_maps} over the backbone's levels, then the
 * stride-2 convolutions that make the coarser levels the backbone lacks.
 */
public final class FeaturePyramid {
  private FeaturePyramid() {}

  /** {@code feature_extractor.fpn}: pyramid levels (level L has stride 2^L) and their depth. */
  public record Levels(int minLevel, int maxLevel, int additionalLayerDepth) {

    /**
     * Reads {@code fpn} (its defaults 3, 7, 256 when the block is absent, as the API's extractors)
     * and checks it against the backbone's levels {@code lowest..highest}.
     */
    static Levels fromConfig(SsdFeatureExtractor fe, String type, int lowest, int highest) {
      String at = FeatureExtractorBuilder.AT;
      if (fe.hasBifpn()) {
        throw new ConfigException(at + ".bifpn: " + type + " builds an FPN; use fpn { ... }"
            + " (BiFPN belongs to EfficientDet, not supported yet)");
      }
      var fpn = fe.getFpn();
      if (fpn.getMinLevel() < lowest || fpn.getMinLevel() > highest) {
        throw new ConfigException(at + ".fpn.min_level: " + fpn.getMinLevel() + " is out of range;"
            + " " + type + " has pyramid levels " + lowest + " to " + highest);
      }
      if (fpn.getMaxLevel() < fpn.getMinLevel() || fpn.getMaxLevel() > 12) {
        throw new ConfigException(at + ".fpn.max_level: " + fpn.getMaxLevel()
            + " must be between min_level (" + fpn.getMinLevel() + ") and 12");
      }
      if (fpn.getAdditionalLayerDepth() < 1) {
        throw new ConfigException(at + ".fpn.additional_layer_depth: "
            + fpn.getAdditionalLayerDepth() + " must be at least 1");
      }
      return new Levels(fpn.getMinLevel(), fpn.getMaxLevel(), fpn.getAdditionalLayerDepth());
    }

    /** The number of feature maps: one per level. */
    public int count() {
      return maxLevel - minLevel + 1;
    }
  }

  /** How the pyramid's convolutions are built. */
  public record Convs(
      int depth, boolean useDepthwise, boolean useExplicitPadding, ConvHyperparams hp,
      boolean bnTraining) {}

  /**
   * {@code fpn_top_down_feature_maps}: a 1×1 linear projection {@code projection_n} (bias, no batch
   * norm, no activation) of the coarsest map; then, finer level by finer level, the running map
   * upsampled 2× (nearest neighbour), plus the level's own 1×1 projection {@code projection_l},
   * the sum smoothed by a 3×3 conv {@code smoothing_l} (the hyperparameters' batch norm and
   * activation; depthwise-separable with {@code use_depthwise}). The coarsest output is its
   * projection, unsmoothed. Variables under {@code scope}; {@code features} and the result run
   * from the finest level to the coarsest, which is pyramid level {@code coarsestLevel}.
   */
  public static List<Operand<TFloat32>> topDown(
      SlimLayers layers, String scope, List<Operand<TFloat32>> features, int coarsestLevel,
      Convs c) {
    int n = features.size();
    List<Operand<TFloat32>> outputs = new ArrayList<>();
    Operand<TFloat32> topDown =
        layers.conv2d(features.get(n - 1), ModelScopes.join(scope, "projection_" + n), c.depth(), 1,
            1, false, c.hp().linear(), false);
    outputs.add(topDown);
    for (int level = n - 2; level >= 0; level--) {
      String smoothing = ModelScopes.join(scope, "smoothing_" + (level + 1));
      topDown = upsampleNearest2x(layers.ops(smoothing), topDown);
      Operand<TFloat32> residual =
          layers.conv2d(features.get(level), ModelScopes.join(scope, "projection_" + (level + 1)),
              c.depth(), 1, 1, false, c.hp().linear(), false);
      Ops tf = layers.ops(smoothing);
      if (c.useExplicitPadding()) {
        // The API slices the upsampled map to the residual's size.
        topDown = tf.slice(topDown, tf.constant(new int[] {0, 0, 0, 0}),
            tf.constant(new int[] {-1, (int) residual.shape().get(1),
                (int) residual.shape().get(2), -1}));
      } else if (!residual.shape().equals(topDown.shape())) {
        throw new ConfigException("model.ssd.image_resizer: the feature pyramid cannot merge a "
            + spatial(topDown) + " upsampled map into a " + spatial(residual) + " one (each"
            + " level must halve exactly): make the image height and width multiples of "
            + (1 << coarsestLevel) + " (the stride of pyramid level " + coarsestLevel
            + "), or set feature_extractor.pad_to_multiple: " + (1 << coarsestLevel));
      }
      topDown = tf.math.add(topDown, residual);
      if (c.useExplicitPadding()) {
        topDown = layers.fixedPadding(topDown, smoothing, 3);
      }
      outputs.add(conv(layers, topDown, smoothing, 1, c));
    }
    Collections.reverse(outputs);
    return outputs;
  }

  /**
   * The coarser levels: {@code count} 3×3 stride-2 convs (the hyperparameters' batch norm and
   * activation), each on the previous output, named by {@code name} (0, 1, ...).
   */
  public static List<Operand<TFloat32>> coarserLevels(
      SlimLayers layers, Operand<TFloat32> last, int count, IntFunction<String> name, Convs c) {
    List<Operand<TFloat32>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String s = name.apply(i);
      if (c.useExplicitPadding()) {
        last = layers.fixedPadding(last, s, 3);
      }
      last = conv(layers, last, s, 2, c);
      out.add(last);
    }
    return out;
  }

  /**
   * The API's {@code ops.nearest_neighbor_upsampling(x, scale=2)}: each value repeated in a 2×2
   * block (stack along width, then height, then reshape).
   */
  public static Operand<TFloat32> upsampleNearest2x(Ops tf, Operand<TFloat32> x) {
    long h = x.shape().get(1);
    long w = x.shape().get(2);
    long ch = x.shape().get(3);
    Operand<TFloat32> wide = tf.stack(List.of(x, x), org.tensorflow.op.core.Stack.axis(3L));
    Operand<TFloat32> both = tf.stack(List.of(wide, wide), org.tensorflow.op.core.Stack.axis(2L));
    return tf.reshape(both, tf.constant(new long[] {-1, h * 2, w * 2, ch}));
  }

  private static Operand<TFloat32> conv(
      SlimLayers layers, Operand<TFloat32> x, String scope, int stride, Convs c) {
    boolean valid = c.useExplicitPadding();
    return c.useDepthwise()
        ? layers.separableConv2d(x, scope, c.depth(), 3, stride, valid, c.hp(), c.bnTraining())
        : layers.conv2d(x, scope, c.depth(), 3, stride, valid, c.hp(), c.bnTraining());
  }

  private static String spatial(Operand<TFloat32> x) {
    return x.shape().get(1) + "x" + x.shape().get(2);
  }
}
