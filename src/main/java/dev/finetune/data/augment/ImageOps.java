package dev.finetune.data.augment;

/** Geometric pixel copies on [H, W, 3] row-major images; every method returns a new array. */
final class ImageOps {
  private ImageOps() {}

  static float[] flipLeftRight(float[] src, int height, int width) {
    float[] out = new float[src.length];
    for (int y = 0; y < height; y++) {
      int row = y * width * 3;
      for (int x = 0; x < width; x++) {
        int s = row + x * 3;
        int d = row + (width - 1 - x) * 3;
        out[d] = src[s];
        out[d + 1] = src[s + 1];
        out[d + 2] = src[s + 2];
      }
    }
    return out;
  }

  static float[] flipUpDown(float[] src, int height, int width) {
    float[] out = new float[src.length];
    int rowLength = width * 3;
    for (int y = 0; y < height; y++) {
      System.arraycopy(src, y * rowLength, out, (height - 1 - y) * rowLength, rowLength);
    }
    return out;
  }

  /** {@code tf.image.rot90(image)}: 90 degrees counter-clockwise, the result is width x height. */
  static float[] rotate90(float[] src, int height, int width) {
    float[] out = new float[src.length];
    int o = 0;
    for (int i = 0; i < width; i++) {
      int x = width - 1 - i;
      for (int j = 0; j < height; j++) {
        int s = (j * width + x) * 3;
        out[o++] = src[s];
        out[o++] = src[s + 1];
        out[o++] = src[s + 2];
      }
    }
    return out;
  }

  static float[] crop(float[] src, int width, int y0, int x0, int cropHeight, int cropWidth) {
    float[] out = new float[cropHeight * cropWidth * 3];
    for (int y = 0; y < cropHeight; y++) {
      System.arraycopy(src, ((y0 + y) * width + x0) * 3, out, y * cropWidth * 3, cropWidth * 3);
    }
    return out;
  }

  /** Places the image at (offsetY, offsetX) of a targetHeight x targetWidth canvas of {@code color}. */
  static float[] pad(
      float[] src, int height, int width, int offsetY, int offsetX, int targetHeight,
      int targetWidth, float[] color) {
    float[] out = new float[targetHeight * targetWidth * 3];
    for (int p = 0; p < out.length; p += 3) {
      out[p] = color[0];
      out[p + 1] = color[1];
      out[p + 2] = color[2];
    }
    for (int y = 0; y < height; y++) {
      System.arraycopy(src, y * width * 3, out, ((offsetY + y) * targetWidth + offsetX) * 3,
          width * 3);
    }
    return out;
  }

  /** Per-channel mean, as {@code tf.reduce_mean(image, axis=[0, 1])}. */
  static float[] channelMeans(float[] pixels) {
    double[] sums = new double[3];
    for (int i = 0; i < pixels.length; i += 3) {
      sums[0] += pixels[i];
      sums[1] += pixels[i + 1];
      sums[2] += pixels[i + 2];
    }
    int n = Math.max(1, pixels.length / 3);
    return new float[] {(float) (sums[0] / n), (float) (sums[1] / n), (float) (sums[2] / n)};
  }
}
