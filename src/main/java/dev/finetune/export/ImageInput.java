package dev.finetune.export;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.ImageResizer;
import dev.finetune.proto.ResizeType;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.ResizeArea;
import org.tensorflow.op.image.ResizeBicubic;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.ResizeNearestNeighbor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TUint8;

/**
 * The exported graph's front: the uint8 {@code input_tensor} [1,H,W,3] of any H and W, cast to
 * float and resized to the model's size with the TensorFlow kernel and attributes the training
 * pipeline's Java resize reproduces (data/augment ImageResizers: {@code
 * tf.compat.v1.image.resize_images}, so {@code align_corners} and {@code half_pixel_centers} false).
 * The API's exporter does the same: cast, then {@code model.preprocess} resizes.
 */
public final class ImageInput {
  /** The signature's input name, as exporter_main_v2.py's {@code image_tensor} input type. */
  public static final String INPUT_NAME = "input_tensor";

  private final Placeholder<TUint8> input;
  private final Operand<TFloat32> resized;

  private ImageInput(Placeholder<TUint8> input, Operand<TFloat32> resized) {
    this.input = input;
    this.resized = resized;
  }

  /**
   * Adds {@code input_tensor} and the resize ops (under {@code ExportInput/}) to {@code tf}'s graph.
   *
   * @param height the model's input height, from {@code fixed_shape_resizer}
   * @throws ConfigException for a resizer the exported graph cannot reproduce
   */
  public static ImageInput build(Ops tf, ImageResizer resizer, int height, int width) {
    if (resizer.getImageResizerOneofCase() != ImageResizer.ImageResizerOneofCase.FIXED_SHAPE_RESIZER) {
      throw new ConfigException(
          "model.ssd.image_resizer." + resizer.getImageResizerOneofCase().name().toLowerCase()
              + ": export supports only fixed_shape_resizer (keep_aspect_ratio_resizer pads, and"
              + " the API then clips and re-normalizes boxes to each image's true size, which the"
              + " exported graph does not do yet). Train with fixed_shape_resizer to export.");
    }
    var fixed = resizer.getFixedShapeResizer();
    if (fixed.getConvertToGrayscale()) {
      throw new ConfigException(
          "model.ssd.image_resizer.fixed_shape_resizer.convert_to_grayscale is not supported");
    }
    Placeholder<TUint8> input =
        tf.withName(INPUT_NAME).placeholder(TUint8.class, Placeholder.shape(Shape.of(1, -1, -1, 3)));
    Ops s = tf.withSubScope("ExportInput");
    Operand<TFloat32> floats = s.dtypes.cast(input, TFloat32.class);
    Operand<TInt32> size = s.constant(new int[] {height, width});
    // A constant size: shape inference gives [1,H,W,3], what the model's image_tensor declares.
    Operand<TFloat32> resized = resize(s, floats, size, fixed.getResizeMethod());
    return new ImageInput(input, resized);
  }

  private static Operand<TFloat32> resize(
      Ops s, Operand<TFloat32> images, Operand<TInt32> size, ResizeType method) {
    return switch (method) {
      case BILINEAR -> s.image.resizeBilinear(images, size,
          ResizeBilinear.alignCorners(false), ResizeBilinear.halfPixelCenters(false));
      case NEAREST_NEIGHBOR -> s.image.resizeNearestNeighbor(images, size,
          ResizeNearestNeighbor.alignCorners(false), ResizeNearestNeighbor.halfPixelCenters(false));
      case BICUBIC -> s.image.resizeBicubic(images, size,
          ResizeBicubic.alignCorners(false), ResizeBicubic.halfPixelCenters(false));
      case AREA -> s.image.resizeArea(images, size, ResizeArea.alignCorners(false));
    };
  }

  /** The uint8 [1,H,W,3] placeholder {@code input_tensor}. */
  public Placeholder<TUint8> input() {
    return input;
  }

  /** The float [1,height,width,3] [0,255] images the model reads. */
  public Operand<TFloat32> resized() {
    return resized;
  }
}
