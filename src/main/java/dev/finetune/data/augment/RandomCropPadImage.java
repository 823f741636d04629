package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_crop_pad_image: {@link RandomCropImage}, then {@link RandomPadImage} with min / max sizes
 * int(size * ratio) of the image before the crop (raised to at least the cropped size); padding is
 * {@code padColor} or, when null, the cropped image's mean colour.
 */
public record RandomCropPadImage(
    CropOperation crop, float[] minPaddedSizeRatio, float[] maxPaddedSizeRatio, float[] padColor)
    implements ExampleTransform {

  public static final float[] DEFAULT_MIN_PADDED_SIZE_RATIO = {1.0f, 1.0f};
  public static final float[] DEFAULT_MAX_PADDED_SIZE_RATIO = {2.0f, 2.0f};

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    DetectionExample cropped = new RandomCropImage(crop).apply(ex, rng);
    int minH = (int) ((float) ex.height() * minPaddedSizeRatio[0]);
    int minW = (int) ((float) ex.width() * minPaddedSizeRatio[1]);
    int maxH = (int) ((float) ex.height() * maxPaddedSizeRatio[0]);
    int maxW = (int) ((float) ex.width() * maxPaddedSizeRatio[1]);
    return RandomPadImage.pad(cropped, minH, minW, maxH, maxW, padColor, rng);
  }
}
