package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_image_scale: s ~ U[min, max); the image is resized to (int(H * s), int(W * s)) bilinearly
 * with align_corners = true, as the API does. Normalized boxes do not change.
 */
public record RandomImageScale(float minScaleRatio, float maxScaleRatio)
    implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    float s = minScaleRatio + rng.nextFloat() * (maxScaleRatio - minScaleRatio);
    // TF would fail on an empty image; one pixel is the nearest meaningful result.
    int h = Math.max(1, (int) (ex.height() * s));
    int w = Math.max(1, (int) (ex.width() * s));
    float[] pixels = Resize.resize(ex.pixels(), ex.height(), ex.width(), h, w,
        Resize.Method.BILINEAR, Resize.Coordinates.ALIGN_CORNERS);
    return Examples.withImage(ex, h, w, pixels);
  }
}
