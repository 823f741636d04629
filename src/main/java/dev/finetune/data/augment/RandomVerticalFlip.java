package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/** random_vertical_flip: mirror up-down iff u < probability; ymin' = 1 - ymax. */
public record RandomVerticalFlip(float probability) implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    if (!(rng.nextFloat() < probability)) {
      return ex;
    }
    float[] boxes = ex.boxes().clone();
    for (int i = 0; i < boxes.length; i += 4) {
      float ymin = boxes[i];
      boxes[i] = 1.0f - boxes[i + 2];
      boxes[i + 2] = 1.0f - ymin;
    }
    float[] pixels = ImageOps.flipUpDown(ex.pixels(), ex.height(), ex.width());
    return Examples.withBoxes(Examples.withImage(ex, ex.height(), ex.width(), pixels), boxes);
  }
}
