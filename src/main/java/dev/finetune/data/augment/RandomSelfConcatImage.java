package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_self_concat_image: with probability concatVertical the image is stacked on itself
 * (boxes halved in y and duplicated into the lower copy), then with probability concatHorizontal
 * placed next to itself (the same in x). Per-box fields are duplicated with the boxes.
 */
public record RandomSelfConcatImage(float concatVerticalProbability,
    float concatHorizontalProbability) implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    boolean vertical = rng.nextFloat() < concatVerticalProbability;
    boolean horizontal = rng.nextFloat() < concatHorizontalProbability;
    DetectionExample out = vertical ? concat(ex, true) : ex;
    return horizontal ? concat(out, false) : out;
  }

  private static DetectionExample concat(DetectionExample ex, boolean vertical) {
    int h = ex.height();
    int w = ex.width();
    float[] src = ex.pixels();
    float[] pixels;
    if (vertical) {
      pixels = new float[src.length * 2];
      System.arraycopy(src, 0, pixels, 0, src.length);
      System.arraycopy(src, 0, pixels, src.length, src.length);
    } else {
      pixels = new float[src.length * 2];
      for (int y = 0; y < h; y++) {
        System.arraycopy(src, y * w * 3, pixels, y * 2 * w * 3, w * 3);
        System.arraycopy(src, y * w * 3, pixels, (y * 2 * w + w) * 3, w * 3);
      }
    }
    int n = ex.numBoxes();
    float[] boxes = new float[n * 8];
    int[] order = new int[n * 2];
    int axis = vertical ? 0 : 1;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 4; k++) {
        float v = ex.boxes()[i * 4 + k];
        boolean scaled = k % 2 == axis;
        boxes[i * 4 + k] = scaled ? 0.5f * v : v;
        boxes[(n + i) * 4 + k] = scaled ? 0.5f * v + 0.5f : v;
      }
      order[i] = i;
      order[n + i] = i;
    }
    return Examples.withImageAndKeptBoxes(ex, vertical ? 2 * h : h, vertical ? w : 2 * w,
        pixels, boxes, order);
  }
}
