package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_rotation90: iff u < probability, rotate 90 degrees counter-clockwise (the image becomes
 * width x height); [ymin, xmin, ymax, xmax] becomes [1 - xmax, ymin, 1 - xmin, ymax].
 */
public record RandomRotation90(float probability) implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    if (!(rng.nextFloat() < probability)) {
      return ex;
    }
    float[] in = ex.boxes();
    float[] boxes = new float[in.length];
    for (int i = 0; i < in.length; i += 4) {
      boxes[i] = 1.0f - in[i + 3];
      boxes[i + 1] = in[i];
      boxes[i + 2] = 1.0f - in[i + 1];
      boxes[i + 3] = in[i + 2];
    }
    float[] pixels = ImageOps.rotate90(ex.pixels(), ex.height(), ex.width());
    return Examples.withBoxes(Examples.withImage(ex, ex.width(), ex.height(), pixels), boxes);
  }
}
