package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.model.Padding;
import dev.finetune.model.SlimLayers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** What the API's SSD feature extractors do to their input before the backbone. */
public final class SsdExtractorInputs {
  /** shape_utils.check_min_image_dim(33, ...), shared by the MobileNet extractors. */
  public static final int MIN_IMAGE_DIM = 33;

  private SsdExtractorInputs() {}

  /** The MobileNet preprocessing: [0,255] pixels to [-1,1], (2/255)·x − 1. */
  public static Operand<TFloat32> scaleToMinusOneOne(Ops tf, Operand<TFloat32> images) {
    return tf.math.sub(tf.math.mul(tf.constant((float) (2.0 / 255.0)), images), tf.constant(1f));
  }

  /** {@code shape_utils.check_min_image_dim}: a static height or width below {@code min} is refused. */
  public static void checkMinImageDim(Operand<TFloat32> images, int min, String type) {
    long h = images.shape().get(1);
    long w = images.shape().get(2);
    if ((h >= 0 && h < min) || (w >= 0 && w < min)) {
      throw new ConfigException(
          "model.ssd.image_resizer: images of " + h + "x" + w + " are too small for "
              + type + "; height and width must be at least " + min);
    }
  }

  /** {@code ops.pad_to_multiple}: zeros below and right up to the next multiple of {@code m}. */
  public static Operand<TFloat32> padToMultiple(
      SlimLayers layers, Operand<TFloat32> images, String scope, int m) {
    if (m <= 1) {
      return images;
    }
    long h = images.shape().get(1);
    long w = images.shape().get(2);
    return layers.pad(
        images, scope, 0, Padding.padToMultiple((int) h, m), 0, Padding.padToMultiple((int) w, m));
  }
}
