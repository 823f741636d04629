package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/** random_horizontal_flip: mirror left-right iff u < probability; xmin' = 1 - xmax. */
public record RandomHorizontalFlip(float probability) implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    if (!(rng.nextFloat() < probability)) {
      return ex;
    }
    float[] boxes = ex.boxes().clone();
    for (int i = 0; i < boxes.length; i += 4) {
      float xmin = boxes[i + 1];
      boxes[i + 1] = 1.0f - boxes[i + 3];
      boxes[i + 3] = 1.0f - xmin;
    }
    float[] pixels = ImageOps.flipLeftRight(ex.pixels(), ex.height(), ex.width());
    return Examples.withBoxes(Examples.withImage(ex, ex.height(), ex.width(), pixels), boxes);
  }
}
