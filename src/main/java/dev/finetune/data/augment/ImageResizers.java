package dev.finetune.data.augment;

import dev.finetune.config.ConfigException;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import dev.finetune.data.augment.Resize.Coordinates;
import dev.finetune.data.augment.Resize.Method;
import dev.finetune.proto.ImageResizer;
import dev.finetune.proto.ResizeType;
import java.util.List;

/**
 * Builds the transform that brings an (augmented) example to the model's input size, as the API's
 * image_resizer_builder and {@code inputs.py} do: the API's resizers call
 * {@code tf.compat.v1.image.resize_images}, i.e. TF's kernels with half_pixel_centers = false
 * ({@link Coordinates#ASYMMETRIC}), or align_corners = true for conditional_shape_resizer.
 * The feature extractor's normalization is not done here (the model does it in its graph).
 */
public final class ImageResizers {
  private ImageResizers() {}

  public static ExampleTransform fromConfig(ImageResizer config) {
    return fromConfig(config, "image_resizer");
  }

  /** As {@link #fromConfig(ImageResizer)}; {@code path} names the field in error messages. */
  public static ExampleTransform fromConfig(ImageResizer config, String path) {
    switch (config.getImageResizerOneofCase()) {
      case FIXED_SHAPE_RESIZER -> {
        var c = config.getFixedShapeResizer();
        String p = path + ".fixed_shape_resizer";
        rejectGrayscale(c.getConvertToGrayscale(), p);
        positive(c.getHeight(), p + ".height");
        positive(c.getWidth(), p + ".width");
        return fixedShape(c.getHeight(), c.getWidth(), method(c.getResizeMethod()));
      }
      case KEEP_ASPECT_RATIO_RESIZER -> {
        var c = config.getKeepAspectRatioResizer();
        String p = path + ".keep_aspect_ratio_resizer";
        rejectGrayscale(c.getConvertToGrayscale(), p);
        positive(c.getMinDimension(), p + ".min_dimension");
        if (c.getMinDimension() > c.getMaxDimension()) {
          throw new ConfigException(p + ": min_dimension (" + c.getMinDimension()
              + ") must not exceed max_dimension (" + c.getMaxDimension() + ")");
        }
        float[] padValue = {0, 0, 0};
        List<Float> values = c.getPerChannelPadValueList();
        if (!values.isEmpty()) {
          if (values.size() != 3) {
            throw new ConfigException(p + ".per_channel_pad_value: needs 3 values (R, G, B), got "
                + values.size());
          }
          padValue = new float[] {values.get(0), values.get(1), values.get(2)};
        }
        return keepAspectRatio(c.getMinDimension(), c.getMaxDimension(),
            method(c.getResizeMethod()), c.getPadToMaxDimension(), padValue);
      }
      case IDENTITY_RESIZER -> {
        return ExampleTransform.identity();
      }
      case CONDITIONAL_SHAPE_RESIZER -> {
        var c = config.getConditionalShapeResizer();
        String p = path + ".conditional_shape_resizer";
        rejectGrayscale(c.getConvertToGrayscale(), p);
        positive(c.getSizeThreshold(), p + ".size_threshold");
        Method m = method(c.getResizeMethod());
        return switch (c.getCondition()) {
          case GREATER -> conditional(c.getSizeThreshold(), true, m);
          case SMALLER -> conditional(c.getSizeThreshold(), false, m);
          default -> throw new ConfigException(
              p + ".condition: must be GREATER or SMALLER, got " + c.getCondition());
        };
      }
      default -> throw new ConfigException(path + ": no resizer set; use fixed_shape_resizer, "
          + "keep_aspect_ratio_resizer, identity_resizer or conditional_shape_resizer");
    }
  }

  /** fixed_shape_resizer: exactly height x width (aspect ratio not kept); boxes unchanged. */
  public static ExampleTransform fixedShape(int height, int width, Method method) {
    return (ex, rng) -> Examples.withImage(ex, height, width, Resize.resize(ex.pixels(),
        ex.height(), ex.width(), height, width, method, Coordinates.ASYMMETRIC));
  }

  /**
   * keep_aspect_ratio_resizer (the API's resize_to_range): the short side becomes minDimension
   * unless the long side would then exceed maxDimension, in which case the long side becomes
   * maxDimension (TF's preserve_aspect_ratio arithmetic: scale = min of the two ratios, sizes
   * rounded half to even). With padToMaxDimension the result is padded bottom/right to
   * maxDimension x maxDimension and the boxes are rescaled to the padded frame, as inputs.py does.
   */
  public static ExampleTransform keepAspectRatio(
      int minDimension, int maxDimension, Method method, boolean padToMaxDimension,
      float[] padValue) {
    float[] pad = padValue.clone();
    return (ex, rng) -> {
      int h = ex.height();
      int w = ex.width();
      boolean landscape = h < w;
      int targetH = landscape ? minDimension : maxDimension;
      int targetW = landscape ? maxDimension : minDimension;
      float scale = Math.min((float) targetH / (float) h, (float) targetW / (float) w);
      // TF would fail on a 0-pixel side (extreme aspect ratios); 1 pixel is the nearest result.
      int newH = Math.max(1, (int) Math.rint(scale * (float) h));
      int newW = Math.max(1, (int) Math.rint(scale * (float) w));
      float[] pixels = Resize.resize(ex.pixels(), h, w, newH, newW, method, Coordinates.ASYMMETRIC);
      DetectionExample resized = Examples.withImage(ex, newH, newW, pixels);
      if (!padToMaxDimension) {
        return resized;
      }
      float[] padded = ImageOps.pad(pixels, newH, newW, 0, 0, maxDimension, maxDimension, pad);
      // inputs.py: change_coordinate_frame to [0, 0, padded/true, padded/true] (float32).
      float yScale = 1.0f / ((float) maxDimension / (float) newH);
      float xScale = 1.0f / ((float) maxDimension / (float) newW);
      float[] boxes = ex.boxes().clone();
      for (int i = 0; i < boxes.length; i += 2) {
        boxes[i] *= yScale;
        boxes[i + 1] *= xScale;
      }
      return Examples.withBoxes(Examples.withImage(ex, maxDimension, maxDimension, padded), boxes);
    };
  }

  /**
   * conditional_shape_resizer: resize_to_max_dimension (GREATER) or resize_to_min_dimension
   * (SMALLER), keeping the aspect ratio, sizes truncated, align_corners = true as the API does.
   */
  public static ExampleTransform conditional(int threshold, boolean greater, Method method) {
    return (ex, rng) -> {
      int h = ex.height();
      int w = ex.width();
      float ratio;
      if (greater) {
        int maxDim = Math.max(h, w);
        ratio = (float) Math.min(maxDim, threshold) / (float) maxDim;
      } else {
        int minDim = Math.min(h, w);
        ratio = (float) Math.max(minDim, threshold) / (float) minDim;
      }
      int newH = Math.max(1, (int) ((float) h * ratio));
      int newW = Math.max(1, (int) ((float) w * ratio));
      return Examples.withImage(ex, newH, newW, Resize.resize(ex.pixels(), h, w, newH, newW,
          method, Coordinates.ALIGN_CORNERS));
    };
  }

  static Method method(ResizeType type) {
    return switch (type) {
      case BILINEAR -> Method.BILINEAR;
      case NEAREST_NEIGHBOR -> Method.NEAREST_NEIGHBOR;
      case BICUBIC -> Method.BICUBIC;
      case AREA -> Method.AREA;
    };
  }

  private static void rejectGrayscale(boolean grayscale, String path) {
    if (grayscale) {
      throw new ConfigException(path + ".convert_to_grayscale: not supported (the model input "
          + "would have 1 channel; the input pipeline and models here are RGB). Remove it.");
    }
  }

  private static void positive(int value, String path) {
    if (value <= 0) {
      throw new ConfigException(path + ": must be positive, got " + value);
    }
  }
}
