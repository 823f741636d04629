package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.List;
import java.util.Random;

/**
 * ssd_random_crop_pad: picks one {@link RandomCropPadImage} uniformly. The API's defaults
 * ({@link #DEFAULT_OPERATIONS}): min_object_covered = overlap_thresh in (0.1, 0.3, 0.5, 0.7, 0.9,
 * 1.0), aspect [0.5, 2], area [0.1, 1], clipping, random_coef 0.15, padded size ratios (1, 1) to
 * (2, 2), padding with the cropped image's mean colour.
 */
public record SsdRandomCropPad(List<RandomCropPadImage> operations) implements ExampleTransform {
  public static final List<RandomCropPadImage> DEFAULT_OPERATIONS = List.of(
      ssdDefault(0.1f), ssdDefault(0.3f), ssdDefault(0.5f), ssdDefault(0.7f), ssdDefault(0.9f),
      ssdDefault(1.0f));

  public SsdRandomCropPad {
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("ssd_random_crop_pad needs at least one operation");
    }
    operations = List.copyOf(operations);
  }

  private static RandomCropPadImage ssdDefault(float covered) {
    return new RandomCropPadImage(
        new CropOperation(covered, 0.5f, 2.0f, 0.1f, 1.0f, covered, true, 0.15f),
        RandomCropPadImage.DEFAULT_MIN_PADDED_SIZE_RATIO,
        RandomCropPadImage.DEFAULT_MAX_PADDED_SIZE_RATIO, null);
  }

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    return operations.get(rng.nextInt(operations.size())).apply(ex, rng);
  }
}
