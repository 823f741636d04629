package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_patch_gaussian (Lopes et al. 2019): unless u < randomCoef, Gaussian noise with
 * stddev ~ U[minStddev, maxStddev) is added on the [0, 1] scale, clipped to [0, 1], inside a square
 * of side ~ randint[minPatchSize, maxPatchSize) centred on a random pixel (lower coordinates first
 * for even sides, cut at the image border). As in the API the whole image goes through
 * {@code image / 255 * 255}.
 */
public record RandomPatchGaussian(
    float randomCoef, int minPatchSize, int maxPatchSize, float minStddev, float maxStddev)
    implements ExampleTransform {

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    if (!(rng.nextFloat() >= randomCoef)) {
      return ex;
    }
    int h = ex.height();
    int w = ex.width();
    int size = maxPatchSize > minPatchSize
        ? minPatchSize + rng.nextInt(maxPatchSize - minPatchSize) : minPatchSize;
    float stddev = minStddev + rng.nextFloat() * (maxStddev - minStddev);
    int cy = rng.nextInt(h);
    int cx = rng.nextInt(w);
    int y0 = Math.max(cy - size / 2, 0);
    int x0 = Math.max(cx - size / 2, 0);
    int y1 = Math.min(cy + (size + 1) / 2, h);
    int x1 = Math.min(cx + (size + 1) / 2, w);
    float[] in = ex.pixels();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = in[i] / 255.0f * 255.0f;
    }
    for (int y = y0; y < y1; y++) {
      for (int p = (y * w + x0) * 3; p < (y * w + x1) * 3; p++) {
        float v = in[p] / 255.0f + (float) (rng.nextGaussian() * stddev);
        out[p] = BoxWindow.clip01(v) * 255.0f;
      }
    }
    return Examples.withImage(ex, h, w, out);
  }
}
