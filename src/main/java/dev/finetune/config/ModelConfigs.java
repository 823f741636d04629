package dev.finetune.config;

import dev.finetune.proto.DetectionModel;
import dev.finetune.proto.ImageResizer;

/**
 * The questions every stage asks of {@code model { ... }}, answered once for any meta architecture
 * (the API's {@code config_util.get_number_of_classes}, {@code get_image_resizer_config},
 * {@code get_spatial_image_size}): the number of classes, the image resizer, the image size the
 * graph is built for, the feature extractor type, and the field path to name in messages.
 *
 * <p>ssd, faster_rcnn and center_net carry these fields; {@code experimental_model} and an empty
 * {@code model} do not, and asking them is a {@link ConfigException} naming the field.
 */
public final class ModelConfigs {
  private ModelConfigs() {}

  /** The oneof's field name: "ssd", "faster_rcnn", "center_net"; a ConfigException when not set. */
  public static String architecture(DetectionModel model) {
    if (model.getModelCase() == DetectionModel.ModelCase.MODEL_NOT_SET) {
      throw new ConfigException(
          "model: empty; write model { ssd { ... } } (or faster_rcnn / center_net)");
    }
    return model.getModelCase().name().toLowerCase();
  }

  /** Whether the model has num_classes, image_resizer and feature_extractor (ssd, faster_rcnn, center_net). */
  public static boolean hasStandardFields(DetectionModel model) {
    return switch (model.getModelCase()) {
      case SSD, FASTER_RCNN, CENTER_NET -> true;
      case EXPERIMENTAL_MODEL, MODEL_NOT_SET -> false;
    };
  }

  /** The path of {@code field} inside the model's oneof, e.g. "model.ssd.image_resizer". */
  public static String path(DetectionModel model, String field) {
    return "model." + architecture(model) + "." + field;
  }

  /** {@code num_classes}: the foreground classes, without background (as the config states it). */
  public static int numClasses(DetectionModel model) {
    return switch (standard(model, "num_classes")) {
      case SSD -> model.getSsd().getNumClasses();
      case FASTER_RCNN -> model.getFasterRcnn().getNumClasses();
      case CENTER_NET -> model.getCenterNet().getNumClasses();
      default -> throw new IllegalStateException("unreachable");
    };
  }

  /** {@code image_resizer}: how images are brought to the model's input size. */
  public static ImageResizer imageResizer(DetectionModel model) {
    return switch (standard(model, "image_resizer")) {
      case SSD -> model.getSsd().getImageResizer();
      case FASTER_RCNN -> model.getFasterRcnn().getImageResizer();
      case CENTER_NET -> model.getCenterNet().getImageResizer();
      default -> throw new IllegalStateException("unreachable");
    };
  }

  /** {@code feature_extractor.type}, e.g. "ssd_mobilenet_v1" (empty when not written). */
  public static String featureExtractorType(DetectionModel model) {
    return switch (standard(model, "feature_extractor")) {
      case SSD -> model.getSsd().getFeatureExtractor().getType();
      case FASTER_RCNN -> model.getFasterRcnn().getFeatureExtractor().getType();
      case CENTER_NET -> model.getCenterNet().getFeatureExtractor().getType();
      default -> throw new IllegalStateException("unreachable");
    };
  }

  /**
   * The API's {@code get_spatial_image_size}: [height, width] of the resized images when every
   * image gets the same size (fixed_shape_resizer; keep_aspect_ratio_resizer with
   * pad_to_max_dimension), else [-1, -1]. Never throws for a resizer the model has.
   */
  public static int[] spatialImageSize(DetectionModel model) {
    ImageResizer r = imageResizer(model);
    return switch (r.getImageResizerOneofCase()) {
      case FIXED_SHAPE_RESIZER -> new int[] {
          r.getFixedShapeResizer().getHeight(), r.getFixedShapeResizer().getWidth()};
      case KEEP_ASPECT_RATIO_RESIZER -> r.getKeepAspectRatioResizer().getPadToMaxDimension()
          ? new int[] {r.getKeepAspectRatioResizer().getMaxDimension(),
              r.getKeepAspectRatioResizer().getMaxDimension()}
          : new int[] {-1, -1};
      default -> new int[] {-1, -1};
    };
  }

  /** As {@link #fixedImageSize(ImageResizer, String)} for the model's own image_resizer. */
  public static int[] fixedImageSize(DetectionModel model) {
    return fixedImageSize(imageResizer(model), path(model, "image_resizer"));
  }

  /**
   * The [height, width] a graph with a static image size is built for; a ConfigException (naming
   * {@code at}, the resizer's field path) when the resizer does not give one size to every image.
   */
  public static int[] fixedImageSize(ImageResizer resizer, String at) {
    return switch (resizer.getImageResizerOneofCase()) {
      case FIXED_SHAPE_RESIZER -> {
        var f = resizer.getFixedShapeResizer();
        if (f.getHeight() < 1 || f.getWidth() < 1) {
          throw new ConfigException(
              at + ".fixed_shape_resizer: height " + f.getHeight() + " and width " + f.getWidth()
                  + " must be at least 1");
        }
        yield new int[] {f.getHeight(), f.getWidth()};
      }
      case KEEP_ASPECT_RATIO_RESIZER -> {
        var k = resizer.getKeepAspectRatioResizer();
        if (!k.getPadToMaxDimension()) {
          throw new ConfigException(
              at + ".keep_aspect_ratio_resizer: supported only with pad_to_max_dimension: true"
                  + " (batches need one image size); or use fixed_shape_resizer");
        }
        yield new int[] {k.getMaxDimension(), k.getMaxDimension()};
      }
      case IMAGERESIZERONEOF_NOT_SET -> throw new ConfigException(
          at + ": not set; set fixed_shape_resizer { height: 300 width: 300 }");
      default -> throw new ConfigException(
          at + "." + resizer.getImageResizerOneofCase().name().toLowerCase()
              + " is not supported yet; supported: fixed_shape_resizer, keep_aspect_ratio_resizer"
              + " with pad_to_max_dimension");
    };
  }

  private static DetectionModel.ModelCase standard(DetectionModel model, String field) {
    String arch = architecture(model);
    if (!hasStandardFields(model)) {
      throw new ConfigException("model." + arch + " has no " + field
          + " finetune can read; use model { ssd { ... } } (or faster_rcnn / center_net)");
    }
    return model.getModelCase();
  }
}
