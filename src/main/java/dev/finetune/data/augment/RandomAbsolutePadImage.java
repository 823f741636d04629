package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_absolute_pad_image: {@link RandomPadImage} with min = the image size and max = the image
 * size + (maxHeightPadding, maxWidthPadding), so each side grows by [0, padding).
 */
public record RandomAbsolutePadImage(int maxHeightPadding, int maxWidthPadding, float[] padColor)
    implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    return RandomPadImage.pad(ex, ex.height(), ex.width(), ex.height() + maxHeightPadding,
        ex.width() + maxWidthPadding, padColor, rng);
  }
}
