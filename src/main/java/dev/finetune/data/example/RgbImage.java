package dev.finetune.data.example;

/** A decoded image: [height, width, 3] row-major RGB floats in [0, 255]. */
public record RgbImage(int height, int width, float[] pixels) {
  public RgbImage {
    if (pixels.length != height * width * 3) {
      throw new IllegalArgumentException("RgbImage: " + pixels.length + " values for " + height + "x" + width);
    }
  }
}
