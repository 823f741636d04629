package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;

/** Small examples for the augmentation tests. */
final class TestExamples {
  private TestExamples() {}

  /** An image whose pixel (y, x, c) is y * 1000 + x * 10 + c, so every pixel says where it is from. */
  static DetectionExample coded(int height, int width, float... boxes) {
    float[] pixels = new float[height * width * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          pixels[(y * width + x) * 3 + c] = y * 1000 + x * 10 + c;
        }
      }
    }
    return withBoxes(height, width, pixels, boxes);
  }

  static DetectionExample withBoxes(int height, int width, float[] pixels, float... boxes) {
    int n = boxes.length / 4;
    int[] classes = new int[n];
    float[] weights = new float[n];
    boolean[] difficult = new boolean[n];
    boolean[] crowd = new boolean[n];
    for (int i = 0; i < n; i++) {
      classes[i] = i + 1;
      weights[i] = 0.5f + i;
      difficult[i] = i % 2 == 1;
      crowd[i] = i % 3 == 2;
    }
    return new DetectionExample("test", height, width, pixels, boxes, classes, weights, difficult,
        crowd);
  }

  static float pixel(DetectionExample ex, int y, int x, int c) {
    return ex.pixels()[(y * ex.width() + x) * 3 + c];
  }

  /** A generator whose nextFloat() is always {@code value} (for the probability gates). */
  static java.util.Random fixedFloat(float value) {
    return new java.util.Random() {
      @Override
      public float nextFloat() {
        return value;
      }
    };
  }
}
