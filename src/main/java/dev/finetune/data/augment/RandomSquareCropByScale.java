package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_square_crop_by_scale (CenterNet): a square of side int(scale * max(H, W)), scale picked
 * uniformly from linspace(scaleMin, scaleMax, numScales), centred on a random pixel at least a
 * border away from the edges; parts outside the image are zero. As in the API the crop stops at
 * row H - 1 and column W - 1. Boxes move into the square's frame; those completely outside are
 * dropped, the rest clipped.
 */
public record RandomSquareCropByScale(
    float maxBorder, float scaleMin, float scaleMax, int numScales) implements ExampleTransform {

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    int height = ex.height();
    int width = ex.width();
    int index = rng.nextInt(numScales);
    float scale = numScales == 1 || index == numScales - 1
        ? (index == 0 ? scaleMin : scaleMax)
        : scaleMin + (scaleMax - scaleMin) / (numScales - 1) * index;
    int size = (int) (scale * (float) Math.max(height, width));
    int hBorder = cropBorder(maxBorder, height);
    int wBorder = cropBorder(maxBorder, width);
    int yCenter = hBorder + rng.nextInt(height - 2 * hBorder + 1);
    int xCenter = wBorder + rng.nextInt(width - 2 * wBorder + 1);
    int half = size / 2;
    int cropYmin = yCenter - half;
    int cropXmin = xCenter - half;
    int ymin = Math.max(cropYmin, 0);
    int xmin = Math.max(cropXmin, 0);
    int ymax = Math.min(yCenter + half, height - 1);
    int xmax = Math.min(xCenter + half, width - 1);
    int offsetY = Math.max(0, ymin - cropYmin);
    int offsetX = Math.max(0, xmin - cropXmin);
    float[] out = new float[size * size * 3];
    for (int y = ymin; y < ymax; y++) {
      System.arraycopy(ex.pixels(), (y * width + xmin) * 3, out,
          ((offsetY + y - ymin) * size + offsetX) * 3, Math.max(0, xmax - xmin) * 3);
    }
    // The square [cropYmin, cropYmin + size) x [cropXmin, cropXmin + size) in input coordinates.
    float wy0 = (float) ((double) cropYmin / height);
    float wx0 = (float) ((double) cropXmin / width);
    float wy1 = (float) ((double) (cropYmin + size) / height);
    float wx1 = (float) ((double) (cropXmin + size) / width);
    return BoxWindow.reframeDropOutsideClip(ex, size, size, out, wy0, wx0, wy1, wx1);
  }

  /** The API's _get_crop_border: max_border halved until it is below size / 2. */
  static int cropBorder(float border, int size) {
    if (border < 1) {
      return 0;
    }
    double i = Math.ceil(Math.log(2.0f * border / size) / Math.log(2.0));
    double divisor = Math.min(Math.max(Math.pow(2.0, i), 1), border);
    return (int) border / (int) divisor;
  }
}
