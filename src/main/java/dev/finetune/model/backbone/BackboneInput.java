package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.model.Padding;
import dev.finetune.model.SlimLayers;
import dev.finetune.proto.SsdFeatureExtractor;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * What every SSD feature extractor does to its input before the backbone, and the checks of the
 * common {@code feature_extractor} fields: {@code shape_utils.check_min_image_dim} and
 * {@code ops.pad_to_multiple}.
 */
final class BackboneInput {
  private BackboneInput() {}

  /** Checks depth_multiplier, min_depth and pad_to_multiple. */
  static void checkCommonFields(SsdFeatureExtractor fe) {
    String at = FeatureExtractorBuilder.AT;
    if (!(fe.getDepthMultiplier() > 0)) {
      throw new ConfigException(at + ".depth_multiplier: " + fe.getDepthMultiplier()
          + " must be greater than 0 (1.0 is the full network)");
    }
    if (fe.getMinDepth() < 0) {
      throw new ConfigException(at + ".min_depth: " + fe.getMinDepth() + " must be 0 or more");
    }
    if (fe.getPadToMultiple() < 0) {
      throw new ConfigException(
          at + ".pad_to_multiple: " + fe.getPadToMultiple() + " must be 0 or more");
    }
  }

  /** Refuses images smaller than {@code minDim} on a side, naming the extractor. */
  static void checkMinImageDim(Operand<TFloat32> images, int minDim, String type) {
    long h = images.shape().get(1);
    long w = images.shape().get(2);
    if ((h >= 0 && h < minDim) || (w >= 0 && w < minDim)) {
      throw new ConfigException("model.ssd.image_resizer: images of " + h + "x" + w
          + " are too small for " + type + "; height and width must be at least " + minDim);
    }
  }

  /** Zero-pads the bottom and right up to multiples of {@code multiple} (1 or 0: unchanged). */
  static Operand<TFloat32> padToMultiple(
      SlimLayers layers, Operand<TFloat32> images, String scope, int multiple) {
    if (multiple <= 1) {
      return images;
    }
    int h = (int) images.shape().get(1);
    int w = (int) images.shape().get(2);
    return layers.pad(images, scope, 0, Padding.padToMultiple(h, multiple), 0,
        Padding.padToMultiple(w, multiple));
  }
}
