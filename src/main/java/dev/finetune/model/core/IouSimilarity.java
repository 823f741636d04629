package dev.finetune.model.core;

/**
 * Pairwise intersection over union, as the API's {@code IouSimilarity} ({@code box_list_ops.iou}):
 * float32, areas without abs, IoU 0 where the intersection is 0.
 */
public final class IouSimilarity {
  private IouSimilarity() {}

  /**
   * IoU of every box of {@code a} (rows) with every box of {@code b} (columns).
   *
   * @param a [rows, 4] boxes, the first {@code rows} of the array are used
   * @param b [cols, 4]
   * @return [rows, cols] row-major
   */
  public static float[] compute(float[] a, int rows, float[] b, int cols) {
    float[] out = new float[rows * cols];
    float[] areaB = new float[cols];
    for (int j = 0; j < cols; j++) {
      areaB[j] = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
    }
    for (int i = 0; i < rows; i++) {
      float ymin = a[4 * i];
      float xmin = a[4 * i + 1];
      float ymax = a[4 * i + 2];
      float xmax = a[4 * i + 3];
      float areaA = (ymax - ymin) * (xmax - xmin);
      int row = i * cols;
      for (int j = 0; j < cols; j++) {
        float ih = Math.max(0f, Math.min(ymax, b[4 * j + 2]) - Math.max(ymin, b[4 * j]));
        float iw = Math.max(0f, Math.min(xmax, b[4 * j + 3]) - Math.max(xmin, b[4 * j + 1]));
        float inter = ih * iw;
        out[row + j] = inter == 0f ? 0f : inter / (areaA + areaB[j] - inter);
      }
    }
    return out;
  }
}
