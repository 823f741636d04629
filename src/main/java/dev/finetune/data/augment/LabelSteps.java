package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Arrays;
import java.util.Random;

/** The API's steps that change labels only. */
public final class LabelSteps {
  private LabelSteps() {}

  /** remap_labels: every class in originalLabels becomes newLabel. */
  public record RemapLabels(int[] originalLabels, int newLabel) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      int[] classes = ex.classes().clone();
      for (int i = 0; i < classes.length; i++) {
        for (int original : originalLabels) {
          if (classes[i] == original) {
            classes[i] = newLabel;
          }
        }
      }
      return new DetectionExample(ex.sourceId(), ex.height(), ex.width(), ex.pixels(),
          ex.boxes(), classes, ex.weights(), ex.difficult(), ex.isCrowd());
    }
  }

  /**
   * drop_label_probabilistically: each box of class {@code label} is dropped (with its fields) iff
   * its own u ~ U[0, 1) is below dropProbability.
   */
  public record DropLabelProbabilistically(int label, float dropProbability)
      implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      int n = ex.numBoxes();
      int[] kept = new int[n];
      int count = 0;
      for (int i = 0; i < n; i++) {
        if (rng.nextFloat() >= dropProbability || ex.classes()[i] != label) {
          kept[count++] = i;
        }
      }
      if (count == n) {
        return ex;
      }
      kept = Arrays.copyOf(kept, count);
      float[] boxes = new float[count * 4];
      for (int i = 0; i < count; i++) {
        System.arraycopy(ex.boxes(), kept[i] * 4, boxes, i * 4, 4);
      }
      return Examples.withImageAndKeptBoxes(ex, ex.height(), ex.width(), ex.pixels(), boxes,
          kept);
    }
  }
}
