package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/** resize_image: to newHeight x newWidth with TF1's kernels (align_corners false); boxes unchanged. */
public record ResizeImage(int newHeight, int newWidth, Resize.Method method)
    implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    return Examples.withImage(ex, newHeight, newWidth, Resize.resize(ex.pixels(), ex.height(),
        ex.width(), newHeight, newWidth, method, Resize.Coordinates.ASYMMETRIC));
  }
}
