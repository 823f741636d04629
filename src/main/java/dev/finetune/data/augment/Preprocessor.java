package dev.finetune.data.augment;

import dev.finetune.config.ConfigException;
import dev.finetune.data.ExampleTransform;
import dev.finetune.data.augment.PixelSteps.NormalizeImage;
import dev.finetune.data.augment.PixelSteps.RandomAdjustBrightness;
import dev.finetune.data.augment.PixelSteps.RandomAdjustContrast;
import dev.finetune.data.augment.PixelSteps.RandomAdjustHue;
import dev.finetune.data.augment.PixelSteps.RandomAdjustSaturation;
import dev.finetune.data.augment.PixelSteps.RandomDistortColor;
import dev.finetune.data.augment.PixelSteps.RandomPixelValueScale;
import dev.finetune.data.augment.PixelSteps.RandomRgbToGray;
import dev.finetune.proto.PreprocessingStep;
import dev.finetune.proto.PreprocessingStep.PreprocessingStepCase;
import dev.finetune.proto.SSDRandomCropOperation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@code train_config.data_augmentation_options} into one transform, steps in config order,
 * with the parameters the API's preprocessor_builder passes (proto values; for the steps it builds
 * from the set fields only, the Python defaults: they equal the proto defaults except
 * random_downscale_to_target_pixels' maximum, handled below). A step finetune lacks is a
 * {@link ConfigException}, never skipped.
 */
public final class Preprocessor {
  private static final Logger LOG = LoggerFactory.getLogger(Preprocessor.class);
  private static final String FIELD = "train_config.data_augmentation_options";

  /** The oneof cases {@link #fromConfig} implements. */
  public static final Set<PreprocessingStepCase> SUPPORTED = Collections.unmodifiableSet(EnumSet.of(
      PreprocessingStepCase.NORMALIZE_IMAGE,
      PreprocessingStepCase.RANDOM_HORIZONTAL_FLIP,
      PreprocessingStepCase.RANDOM_VERTICAL_FLIP,
      PreprocessingStepCase.RANDOM_ROTATION90,
      PreprocessingStepCase.RANDOM_PIXEL_VALUE_SCALE,
      PreprocessingStepCase.RANDOM_IMAGE_SCALE,
      PreprocessingStepCase.RANDOM_RGB_TO_GRAY,
      PreprocessingStepCase.RANDOM_ADJUST_BRIGHTNESS,
      PreprocessingStepCase.RANDOM_ADJUST_CONTRAST,
      PreprocessingStepCase.RANDOM_ADJUST_HUE,
      PreprocessingStepCase.RANDOM_ADJUST_SATURATION,
      PreprocessingStepCase.RANDOM_DISTORT_COLOR,
      PreprocessingStepCase.RANDOM_JITTER_BOXES,
      PreprocessingStepCase.RANDOM_CROP_IMAGE,
      PreprocessingStepCase.RANDOM_PAD_IMAGE,
      PreprocessingStepCase.RANDOM_ABSOLUTE_PAD_IMAGE,
      PreprocessingStepCase.SSD_RANDOM_CROP,
      PreprocessingStepCase.RANDOM_CROP_PAD_IMAGE,
      PreprocessingStepCase.RANDOM_CROP_TO_ASPECT_RATIO,
      PreprocessingStepCase.RANDOM_BLACK_PATCHES,
      PreprocessingStepCase.RESIZE_IMAGE,
      PreprocessingStepCase.SUBTRACT_CHANNEL_MEAN,
      PreprocessingStepCase.SSD_RANDOM_CROP_PAD,
      PreprocessingStepCase.SSD_RANDOM_CROP_FIXED_ASPECT_RATIO,
      PreprocessingStepCase.SSD_RANDOM_CROP_PAD_FIXED_ASPECT_RATIO,
      PreprocessingStepCase.DROP_LABEL_PROBABILISTICALLY,
      PreprocessingStepCase.REMAP_LABELS,
      PreprocessingStepCase.RANDOM_SQUARE_CROP_BY_SCALE,
      PreprocessingStepCase.RANDOM_SCALE_CROP_AND_PAD_TO_SQUARE,
      PreprocessingStepCase.ADJUST_GAMMA,
      PreprocessingStepCase.RANDOM_SELF_CONCAT_IMAGE,
      PreprocessingStepCase.RANDOM_DOWNSCALE_TO_TARGET_PIXELS,
      PreprocessingStepCase.RANDOM_RESIZE_METHOD,
      PreprocessingStepCase.RANDOM_PATCH_GAUSSIAN));

  private Preprocessor() {}

  public static ExampleTransform fromConfig(List<PreprocessingStep> steps) {
    ExampleTransform chain = ExampleTransform.identity();
    for (int i = 0; i < steps.size(); i++) {
      ExampleTransform step = build(steps.get(i), FIELD + "[" + i + "]");
      chain = i == 0 ? step : chain.andThen(step);
    }
    return chain;
  }

  /** Builds one step; {@code path} names it in error messages. */
  public static ExampleTransform build(PreprocessingStep step, String path) {
    PreprocessingStepCase kind = step.getPreprocessingStepCase();
    String p = path + "." + name(kind);
    switch (kind) {
      case NORMALIZE_IMAGE -> {
        var c = step.getNormalizeImage();
        if (!c.hasOriginalMinval() || !c.hasOriginalMaxval()) {
          throw new ConfigException(p + ": original_minval and original_maxval must be set");
        }
        if (c.getOriginalMinval() == c.getOriginalMaxval()) {
          throw new ConfigException(p + ": original_minval and original_maxval must differ");
        }
        return new NormalizeImage(c.getOriginalMinval(), c.getOriginalMaxval(),
            c.getTargetMinval(), c.getTargetMaxval());
      }
      case RANDOM_HORIZONTAL_FLIP -> {
        var c = step.getRandomHorizontalFlip();
        warnKeypoints(c.getKeypointFlipPermutationCount(), p + ".keypoint_flip_permutation");
        return new RandomHorizontalFlip(probability(c.getProbability(), p));
      }
      case RANDOM_VERTICAL_FLIP -> {
        var c = step.getRandomVerticalFlip();
        warnKeypoints(c.getKeypointFlipPermutationCount(), p + ".keypoint_flip_permutation");
        return new RandomVerticalFlip(probability(c.getProbability(), p));
      }
      case RANDOM_ROTATION90 -> {
        var c = step.getRandomRotation90();
        warnKeypoints(c.getKeypointRotPermutationCount(), p + ".keypoint_rot_permutation");
        return new RandomRotation90(probability(c.getProbability(), p));
      }
      case RANDOM_PIXEL_VALUE_SCALE -> {
        var c = step.getRandomPixelValueScale();
        return new RandomPixelValueScale(c.getMinval(), c.getMaxval());
      }
      case RANDOM_IMAGE_SCALE -> {
        var c = step.getRandomImageScale();
        if (!(c.getMinScaleRatio() > 0) || c.getMinScaleRatio() > c.getMaxScaleRatio()) {
          throw new ConfigException(p + ": need 0 < min_scale_ratio <= max_scale_ratio, got "
              + c.getMinScaleRatio() + ", " + c.getMaxScaleRatio());
        }
        return new RandomImageScale(c.getMinScaleRatio(), c.getMaxScaleRatio());
      }
      case RANDOM_RGB_TO_GRAY -> {
        return new RandomRgbToGray(step.getRandomRgbToGray().getProbability());
      }
      case RANDOM_ADJUST_BRIGHTNESS -> {
        return new RandomAdjustBrightness(step.getRandomAdjustBrightness().getMaxDelta());
      }
      case RANDOM_ADJUST_CONTRAST -> {
        var c = step.getRandomAdjustContrast();
        return new RandomAdjustContrast(c.getMinDelta(), c.getMaxDelta());
      }
      case RANDOM_ADJUST_HUE -> {
        return new RandomAdjustHue(step.getRandomAdjustHue().getMaxDelta());
      }
      case RANDOM_ADJUST_SATURATION -> {
        var c = step.getRandomAdjustSaturation();
        return new RandomAdjustSaturation(c.getMinDelta(), c.getMaxDelta());
      }
      case RANDOM_DISTORT_COLOR -> {
        int ordering = step.getRandomDistortColor().getColorOrdering();
        if (ordering != 0 && ordering != 1) {
          throw new ConfigException(p + ".color_ordering: must be 0 or 1, got " + ordering);
        }
        return new RandomDistortColor(ordering);
      }
      case RANDOM_JITTER_BOXES -> {
        var c = step.getRandomJitterBoxes();
        RandomJitterBoxes.Mode mode = RandomJitterBoxes.Mode.valueOf(c.getJitterMode().name());
        return new RandomJitterBoxes(c.getRatio(), mode);
      }
      case RANDOM_CROP_IMAGE -> {
        var c = step.getRandomCropImage();
        return new RandomCropImage(cropOperation(p, c.getMinObjectCovered(),
            c.getMinAspectRatio(), c.getMaxAspectRatio(), c.getMinArea(), c.getMaxArea(),
            c.getOverlapThresh(), c.getClipBoxes(), c.getRandomCoef()));
      }
      case RANDOM_PAD_IMAGE -> {
        var c = step.getRandomPadImage();
        if (c.hasMinImageHeight() != c.hasMinImageWidth()) {
          throw new ConfigException(
              p + ": min_image_height and min_image_width must be both set or both unset");
        }
        if (c.hasMaxImageHeight() != c.hasMaxImageWidth()) {
          throw new ConfigException(
              p + ": max_image_height and max_image_width must be both set or both unset");
        }
        int unset = RandomPadImage.UNSET;
        return new RandomPadImage(
            c.hasMinImageHeight() ? c.getMinImageHeight() : unset,
            c.hasMinImageWidth() ? c.getMinImageWidth() : unset,
            c.hasMaxImageHeight() ? c.getMaxImageHeight() : unset,
            c.hasMaxImageWidth() ? c.getMaxImageWidth() : unset,
            padColor(c.getPadColorList(), p));
      }
      case RANDOM_ABSOLUTE_PAD_IMAGE -> {
        var c = step.getRandomAbsolutePadImage();
        // The builder turns unset (0) into 1, i.e. randint[0, 1) = no padding on that axis.
        return new RandomAbsolutePadImage(Math.max(1, c.getMaxHeightPadding()),
            Math.max(1, c.getMaxWidthPadding()), padColor(c.getPadColorList(), p));
      }
      case SSD_RANDOM_CROP -> {
        var c = step.getSsdRandomCrop();
        if (c.getOperationsCount() == 0) {
          return new SsdRandomCrop(SsdRandomCrop.DEFAULT_OPERATIONS);
        }
        List<CropOperation> ops = new ArrayList<>();
        for (int k = 0; k < c.getOperationsCount(); k++) {
          SSDRandomCropOperation op = c.getOperations(k);
          // Given operations pass every field as it is (0 when unset), as the API's builder does.
          ops.add(cropOperation(p + ".operations[" + k + "]", op.getMinObjectCovered(),
              op.getMinAspectRatio(), op.getMaxAspectRatio(), op.getMinArea(), op.getMaxArea(),
              op.getOverlapThresh(), op.getClipBoxes(), op.getRandomCoef()));
        }
        return new SsdRandomCrop(ops);
      }
      case RANDOM_CROP_PAD_IMAGE -> {
        var c = step.getRandomCropPadImage();
        return new RandomCropPadImage(cropOperation(p, c.getMinObjectCovered(),
            c.getMinAspectRatio(), c.getMaxAspectRatio(), c.getMinArea(), c.getMaxArea(),
            c.getOverlapThresh(), c.getClipBoxes(), c.getRandomCoef()),
            pair(c.getMinPaddedSizeRatioList(), p + ".min_padded_size_ratio",
                RandomCropPadImage.DEFAULT_MIN_PADDED_SIZE_RATIO),
            pair(c.getMaxPaddedSizeRatioList(), p + ".max_padded_size_ratio",
                RandomCropPadImage.DEFAULT_MAX_PADDED_SIZE_RATIO),
            padColor(c.getPadColorList(), p));
      }
      case RANDOM_CROP_TO_ASPECT_RATIO -> {
        var c = step.getRandomCropToAspectRatio();
        positive(c.getAspectRatio(), p + ".aspect_ratio");
        return new RandomCropToAspectRatio(c.getAspectRatio(), c.getOverlapThresh(),
            c.getClipBoxes());
      }
      case RANDOM_BLACK_PATCHES -> {
        var c = step.getRandomBlackPatches();
        if (!(c.getSizeToImageRatio() > 0 && c.getSizeToImageRatio() < 1)) {
          throw new ConfigException(p + ".size_to_image_ratio: must be in (0, 1), got "
              + c.getSizeToImageRatio());
        }
        return new PixelSteps.RandomBlackPatches(c.getMaxBlackPatches(), c.getProbability(),
            c.getSizeToImageRatio());
      }
      case RESIZE_IMAGE -> {
        var c = step.getResizeImage();
        positive(c.getNewHeight(), p + ".new_height");
        positive(c.getNewWidth(), p + ".new_width");
        Resize.Method method = switch (c.getMethod()) {
          case BILINEAR -> Resize.Method.BILINEAR;
          case NEAREST_NEIGHBOR -> Resize.Method.NEAREST_NEIGHBOR;
          case BICUBIC -> Resize.Method.BICUBIC;
          case AREA -> Resize.Method.AREA;
        };
        return new ResizeImage(c.getNewHeight(), c.getNewWidth(), method);
      }
      case SUBTRACT_CHANNEL_MEAN -> {
        List<Float> means = step.getSubtractChannelMean().getMeansList();
        if (means.size() != 3) {
          throw new ConfigException(p + ".means: needs one value per channel (3), got "
              + means.size());
        }
        return new PixelSteps.SubtractChannelMean(
            new float[] {means.get(0), means.get(1), means.get(2)});
      }
      case SSD_RANDOM_CROP_PAD -> {
        var c = step.getSsdRandomCropPad();
        if (c.getOperationsCount() == 0) {
          return new SsdRandomCropPad(SsdRandomCropPad.DEFAULT_OPERATIONS);
        }
        List<RandomCropPadImage> ops = new ArrayList<>();
        for (int k = 0; k < c.getOperationsCount(); k++) {
          var op = c.getOperations(k);
          String q = p + ".operations[" + k + "]";
          ops.add(new RandomCropPadImage(cropOperation(q, op.getMinObjectCovered(),
              op.getMinAspectRatio(), op.getMaxAspectRatio(), op.getMinArea(), op.getMaxArea(),
              op.getOverlapThresh(), op.getClipBoxes(), op.getRandomCoef()),
              pair(op.getMinPaddedSizeRatioList(), q + ".min_padded_size_ratio", null),
              pair(op.getMaxPaddedSizeRatioList(), q + ".max_padded_size_ratio", null),
              // With operations the API pads with (pad_color_r, _g, _b), 0 when unset.
              new float[] {op.getPadColorR(), op.getPadColorG(), op.getPadColorB()}));
        }
        return new SsdRandomCropPad(ops);
      }
      case SSD_RANDOM_CROP_FIXED_ASPECT_RATIO -> {
        var c = step.getSsdRandomCropFixedAspectRatio();
        if (c.getOperationsCount() == 0) {
          if (c.hasAspectRatio() && c.getAspectRatio() != 1.0f) {
            // The API's builder passes aspect_ratio only together with operations.
            LOG.warn("{}.aspect_ratio is ignored without operations (the API uses 1.0)", p);
          }
          return new SsdRandomCropFixedAspectRatio(
              SsdRandomCropFixedAspectRatio.defaultOperations(1.0f), 1.0f);
        }
        positive(c.getAspectRatio(), p + ".aspect_ratio");
        List<CropOperation> ops = new ArrayList<>();
        for (int k = 0; k < c.getOperationsCount(); k++) {
          var op = c.getOperations(k);
          ops.add(cropOperation(p + ".operations[" + k + "]", op.getMinObjectCovered(),
              c.getAspectRatio(), c.getAspectRatio(), op.getMinArea(), op.getMaxArea(),
              op.getOverlapThresh(), op.getClipBoxes(), op.getRandomCoef()));
        }
        return new SsdRandomCropFixedAspectRatio(ops, c.getAspectRatio());
      }
      case SSD_RANDOM_CROP_PAD_FIXED_ASPECT_RATIO -> {
        var c = step.getSsdRandomCropPadFixedAspectRatio();
        float aspectRatio = c.getAspectRatio() != 0 ? c.getAspectRatio() : 1.0f;
        positive(aspectRatio, p + ".aspect_ratio");
        List<CropOperation> ops = new ArrayList<>();
        if (c.getOperationsCount() == 0) {
          ops.addAll(SsdRandomCrop.DEFAULT_OPERATIONS);
        }
        for (int k = 0; k < c.getOperationsCount(); k++) {
          var op = c.getOperations(k);
          ops.add(cropOperation(p + ".operations[" + k + "]", op.getMinObjectCovered(),
              op.getMinAspectRatio(), op.getMaxAspectRatio(), op.getMinArea(), op.getMaxArea(),
              op.getOverlapThresh(), op.getClipBoxes(), op.getRandomCoef()));
        }
        return new SsdRandomCropPadFixedAspectRatio(ops, new RandomPadToAspectRatio(aspectRatio,
            pair(c.getMinPaddedSizeRatioList(), p + ".min_padded_size_ratio",
                RandomCropPadImage.DEFAULT_MIN_PADDED_SIZE_RATIO),
            pair(c.getMaxPaddedSizeRatioList(), p + ".max_padded_size_ratio",
                RandomCropPadImage.DEFAULT_MAX_PADDED_SIZE_RATIO)));
      }
      case DROP_LABEL_PROBABILISTICALLY -> {
        var c = step.getDropLabelProbabilistically();
        return new LabelSteps.DropLabelProbabilistically(c.getLabel(), c.getDropProbability());
      }
      case REMAP_LABELS -> {
        var c = step.getRemapLabels();
        return new LabelSteps.RemapLabels(
            c.getOriginalLabelsList().stream().mapToInt(Integer::intValue).toArray(),
            c.getNewLabel());
      }
      case RANDOM_SQUARE_CROP_BY_SCALE -> {
        var c = step.getRandomSquareCropByScale();
        if (c.getNumScales() < 1 || !(c.getScaleMin() > 0) || c.getScaleMin() > c.getScaleMax()) {
          throw new ConfigException(p + ": need num_scales >= 1 and 0 < scale_min <= scale_max");
        }
        return new RandomSquareCropByScale(c.getMaxBorder(), c.getScaleMin(), c.getScaleMax(),
            c.getNumScales());
      }
      case RANDOM_SCALE_CROP_AND_PAD_TO_SQUARE -> {
        var c = step.getRandomScaleCropAndPadToSquare();
        positive(c.getOutputSize(), p + ".output_size");
        if (!(c.getScaleMin() > 0) || c.getScaleMin() > c.getScaleMax()) {
          throw new ConfigException(p + ": need 0 < scale_min <= scale_max");
        }
        return new RandomScaleCropAndPadToSquare(c.getOutputSize(), c.getScaleMin(),
            c.getScaleMax());
      }
      case ADJUST_GAMMA -> {
        var c = step.getAdjustGamma();
        return new PixelSteps.AdjustGamma(c.getGamma(), c.getGain());
      }
      case RANDOM_SELF_CONCAT_IMAGE -> {
        var c = step.getRandomSelfConcatImage();
        return new RandomSelfConcatImage(c.getConcatVerticalProbability(),
            c.getConcatHorizontalProbability());
      }
      case RANDOM_DOWNSCALE_TO_TARGET_PIXELS -> {
        var c = step.getRandomDownscaleToTargetPixels();
        // Built from the set fields only: an unset maximum is the Python default 800000, not the
        // proto's 500000.
        int max = c.hasMaxTargetPixels() ? c.getMaxTargetPixels() : 800000;
        int min = c.getMinTargetPixels();
        if (min <= 0 || max <= min) {
          throw new ConfigException(p + ": need 0 < min_target_pixels < max_target_pixels, got "
              + min + ", " + max);
        }
        return new RandomDownscaleToTargetPixels(c.getRandomCoef(), min, max);
      }
      case RANDOM_RESIZE_METHOD -> {
        var c = step.getRandomResizeMethod();
        positive(c.getTargetHeight(), p + ".target_height");
        positive(c.getTargetWidth(), p + ".target_width");
        return new RandomResizeMethod(c.getTargetHeight(), c.getTargetWidth());
      }
      case RANDOM_PATCH_GAUSSIAN -> {
        var c = step.getRandomPatchGaussian();
        if (c.getMinPatchSize() < 1 || c.getMaxPatchSize() < c.getMinPatchSize()) {
          throw new ConfigException(p + ": need 1 <= min_patch_size <= max_patch_size, got "
              + c.getMinPatchSize() + ", " + c.getMaxPatchSize());
        }
        return new RandomPatchGaussian(c.getRandomCoef(), c.getMinPatchSize(),
            c.getMaxPatchSize(), c.getMinGaussianStddev(), c.getMaxGaussianStddev());
      }
      case PREPROCESSINGSTEP_NOT_SET -> throw new ConfigException(
          path + ": empty data augmentation step; set one of: " + supportedNames());
      default -> throw new ConfigException(path + ": " + name(kind)
          + " is not supported by finetune" + whyNot(kind) + ". Remove it or use one of: "
          + supportedNames());
    }
  }

  /** The proto field name of a oneof case, e.g. ssd_random_crop. */
  static String name(PreprocessingStepCase kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static String whyNot(PreprocessingStepCase kind) {
    return switch (kind) {
      case RGB_TO_GRAY -> " (it makes a 1-channel image and finetune's pipeline and models are "
          + "RGB; random_rgb_to_gray with probability 1 keeps 3 grey channels)";
      case SCALE_BOXES_TO_PIXEL_COORDINATES -> " (the model needs normalized boxes)";
      case CONVERT_CLASS_LOGITS_TO_SOFTMAX -> " (it needs multiclass_scores, which finetune's "
          + "examples do not carry)";
      default -> "";
    };
  }

  static String supportedNames() {
    return SUPPORTED.stream().map(Preprocessor::name).collect(Collectors.joining(", "));
  }

  private static float probability(float p, String path) {
    if (!(p >= 0 && p <= 1)) {
      throw new ConfigException(path + ".probability: must be in [0, 1], got " + p);
    }
    return p;
  }

  private static void positive(float value, String path) {
    if (!(value > 0)) {
      throw new ConfigException(path + ": must be positive, got " + value);
    }
  }

  /** A (height, width) pair of a repeated field; {@code fallback} when empty (null: required). */
  private static float[] pair(List<Float> values, String path, float[] fallback) {
    if (values.isEmpty() && fallback != null) {
      return fallback;
    }
    if (values.size() != 2) {
      throw new ConfigException(path + ": needs 2 values (height, width), got " + values.size());
    }
    return new float[] {values.get(0), values.get(1)};
  }

  private static float[] padColor(List<Float> values, String path) {
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() != 3) {
      throw new ConfigException(path + ".pad_color: needs 3 values (R, G, B in [0, 255]), got "
          + values.size());
    }
    return new float[] {values.get(0), values.get(1), values.get(2)};
  }

  /** Checks what TF's sample_distorted_bounding_box would reject at run time. */
  private static CropOperation cropOperation(
      String path, float minObjectCovered, float minAspectRatio, float maxAspectRatio,
      float minArea, float maxArea, float overlapThresh, boolean clipBoxes, float randomCoef) {
    if (!(minObjectCovered >= 0)) {
      throw new ConfigException(path + ".min_object_covered: must be >= 0, got "
          + minObjectCovered);
    }
    if (!(minAspectRatio > 0 && maxAspectRatio > 0)) {
      throw new ConfigException(path + ": min_aspect_ratio and max_aspect_ratio must be > 0, got "
          + minAspectRatio + ", " + maxAspectRatio);
    }
    if (!(minArea > 0 && maxArea > 0 && minArea <= 1 && maxArea <= 1)) {
      throw new ConfigException(path + ": min_area and max_area must be in (0, 1], got "
          + minArea + ", " + maxArea);
    }
    return new CropOperation(minObjectCovered, minAspectRatio, maxAspectRatio, minArea, maxArea,
        overlapThresh, clipBoxes, randomCoef);
  }

  private static void warnKeypoints(int count, String path) {
    if (count > 0) {
      LOG.warn("{} is ignored: finetune's examples carry no keypoints", path);
    }
  }
}
