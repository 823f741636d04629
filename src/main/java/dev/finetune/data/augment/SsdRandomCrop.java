package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.List;
import java.util.Random;

/**
 * ssd_random_crop: picks one operation uniformly and runs {@link RandomCropImage} with it. With no
 * operations in the config the API uses {@link #DEFAULT_OPERATIONS}: min_object_covered =
 * overlap_thresh in (0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0), aspect ratio [0.5, 2], area [0.1, 1],
 * clipping, random_coef 0.15.
 */
public record SsdRandomCrop(List<CropOperation> operations) implements ExampleTransform {
  public static final List<CropOperation> DEFAULT_OPERATIONS = List.of(
      ssdDefault(0.0f), ssdDefault(0.1f), ssdDefault(0.3f), ssdDefault(0.5f), ssdDefault(0.7f),
      ssdDefault(0.9f), ssdDefault(1.0f));

  public SsdRandomCrop {
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("ssd_random_crop needs at least one operation");
    }
    operations = List.copyOf(operations);
  }

  private static CropOperation ssdDefault(float covered) {
    return new CropOperation(covered, 0.5f, 2.0f, 0.1f, 1.0f, covered, true, 0.15f);
  }

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    CropOperation op = operations.get(rng.nextInt(operations.size()));
    return new RandomCropImage(op).apply(ex, rng);
  }
}
