package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.List;
import java.util.Random;

/**
 * ssd_random_crop_pad_fixed_aspect_ratio: {@link SsdRandomCrop} with the given operations (the
 * API's 7 SSD defaults when none), then {@link RandomPadToAspectRatio}.
 */
public record SsdRandomCropPadFixedAspectRatio(
    List<CropOperation> operations, RandomPadToAspectRatio pad) implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    return pad.apply(new SsdRandomCrop(operations).apply(ex, rng), rng);
  }
}
