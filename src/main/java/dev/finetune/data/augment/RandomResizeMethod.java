package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_resize_method: resizes to targetHeight x targetWidth (aspect ratio not kept) with a
 * method picked uniformly from TF1's ResizeMethod values 0..3: bilinear, nearest neighbour,
 * bicubic, area (align_corners false). Boxes are normalized and do not change.
 */
public record RandomResizeMethod(int targetHeight, int targetWidth) implements ExampleTransform {
  private static final Resize.Method[] TF1_ORDER = {Resize.Method.BILINEAR,
      Resize.Method.NEAREST_NEIGHBOR, Resize.Method.BICUBIC, Resize.Method.AREA};

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    Resize.Method method = TF1_ORDER[rng.nextInt(TF1_ORDER.length)];
    return new ResizeImage(targetHeight, targetWidth, method).apply(ex, rng);
  }
}
