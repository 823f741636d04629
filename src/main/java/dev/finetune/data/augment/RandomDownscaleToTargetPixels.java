package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_downscale_to_target_pixels: unless u < randomCoef, a target pixel count is drawn from
 * [minTargetPixels, maxTargetPixels); an image with more pixels is resized (bilinear, TF1 kernel)
 * by sqrt(target / pixels), sizes truncated. Boxes are normalized and do not change.
 */
public record RandomDownscaleToTargetPixels(
    float randomCoef, int minTargetPixels, int maxTargetPixels) implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    boolean apply = rng.nextFloat() >= randomCoef;
    int target = minTargetPixels + rng.nextInt(maxTargetPixels - minTargetPixels);
    int pixels = ex.height() * ex.width();
    if (!apply || pixels <= target) {
      return ex;
    }
    float scale = (float) Math.sqrt((float) target / (float) pixels);
    int h = Math.max(1, (int) (scale * ex.height()));
    int w = Math.max(1, (int) (scale * ex.width()));
    return new ResizeImage(h, w, Resize.Method.BILINEAR).apply(ex, rng);
  }
}
