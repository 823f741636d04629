package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;

/**
 * Builds the new {@link DetectionExample} a step returns. Arrays a step does not change are shared
 * with the input (no step ever writes into an example's arrays).
 */
final class Examples {
  private Examples() {}

  static DetectionExample withImage(DetectionExample ex, int height, int width, float[] pixels) {
    return new DetectionExample(ex.sourceId(), height, width, pixels, ex.boxes(), ex.classes(),
        ex.weights(), ex.difficult(), ex.isCrowd());
  }

  static DetectionExample withBoxes(DetectionExample ex, float[] boxes) {
    return new DetectionExample(ex.sourceId(), ex.height(), ex.width(), ex.pixels(), boxes,
        ex.classes(), ex.weights(), ex.difficult(), ex.isCrowd());
  }

  /**
   * A new image and the boxes {@code kept} (indices into the input), whose new coordinates are
   * {@code boxes} ([kept.length * 4]); every per-box field follows the same indices.
   */
  static DetectionExample withImageAndKeptBoxes(
      DetectionExample ex, int height, int width, float[] pixels, float[] boxes, int[] kept) {
    int n = kept.length;
    int[] classes = new int[n];
    float[] weights = new float[n];
    boolean[] difficult = new boolean[n];
    boolean[] isCrowd = new boolean[n];
    for (int i = 0; i < n; i++) {
      int k = kept[i];
      classes[i] = ex.classes()[k];
      weights[i] = ex.weights()[k];
      difficult[i] = ex.difficult()[k];
      isCrowd[i] = ex.isCrowd()[k];
    }
    return new DetectionExample(ex.sourceId(), height, width, pixels, boxes, classes, weights,
        difficult, isCrowd);
  }
}
