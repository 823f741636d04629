package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;

/** The API's box rules when an image is cut to a window (box_list_ops, float32 arithmetic). */
final class BoxWindow {
  private BoxWindow() {}

  /**
   * Keeps the boxes that overlap the normalized window [wy0, wx0, wy1, wx1] enough and moves them
   * into its frame: prune_completely_outside_window, prune_non_overlapping_boxes (IoA of the box
   * >= overlapThresh), change_coordinate_frame, then optional clipping to [0, 1].
   */
  static DetectionExample keepInWindow(
      DetectionExample ex, int height, int width, float[] pixels, float wy0, float wx0, float wy1,
      float wx1, float overlapThresh, boolean clip) {
    float[] boxes = ex.boxes();
    int n = ex.numBoxes();
    int[] kept = new int[n];
    float[] out = new float[n * 4];
    int count = 0;
    float yScale = 1.0f / (wy1 - wy0);
    float xScale = 1.0f / (wx1 - wx0);
    for (int i = 0; i < n; i++) {
      float ymin = boxes[i * 4];
      float xmin = boxes[i * 4 + 1];
      float ymax = boxes[i * 4 + 2];
      float xmax = boxes[i * 4 + 3];
      if (ymin >= wy1 || xmin >= wx1 || ymax <= wy0 || xmax <= wx0) {
        continue;
      }
      float ih = Math.max(0.0f, Math.min(ymax, wy1) - Math.max(ymin, wy0));
      float iw = Math.max(0.0f, Math.min(xmax, wx1) - Math.max(xmin, wx0));
      float ioa = (ih * iw) / ((ymax - ymin) * (xmax - xmin));
      // A zero-area box gives NaN, which fails the comparison: the API drops it too.
      if (!(ioa >= overlapThresh)) {
        continue;
      }
      float[] moved = {
        yScale * (ymin - wy0), xScale * (xmin - wx0), yScale * (ymax - wy0), xScale * (xmax - wx0)
      };
      for (int k = 0; k < 4; k++) {
        out[count * 4 + k] = clip ? Math.min(1.0f, Math.max(0.0f, moved[k])) : moved[k];
      }
      kept[count++] = i;
    }
    return Examples.withImageAndKeptBoxes(ex, height, width, pixels,
        java.util.Arrays.copyOf(out, count * 4), java.util.Arrays.copyOf(kept, count));
  }

  /**
   * The rule of the square / scale crops: move every box into the frame of the window
   * [wy0, wx0, wy1, wx1] (normalized to the input), drop the boxes completely outside [0, 1]
   * (prune_completely_outside_window) and clip the rest (clip_to_window without filtering).
   */
  static DetectionExample reframeDropOutsideClip(
      DetectionExample ex, int height, int width, float[] pixels, float wy0, float wx0, float wy1,
      float wx1) {
    float[] boxes = ex.boxes();
    int n = ex.numBoxes();
    int[] kept = new int[n];
    float[] out = new float[n * 4];
    int count = 0;
    float yScale = 1.0f / (wy1 - wy0);
    float xScale = 1.0f / (wx1 - wx0);
    for (int i = 0; i < n; i++) {
      float ymin = yScale * (boxes[i * 4] - wy0);
      float xmin = xScale * (boxes[i * 4 + 1] - wx0);
      float ymax = yScale * (boxes[i * 4 + 2] - wy0);
      float xmax = xScale * (boxes[i * 4 + 3] - wx0);
      if (ymin >= 1.0f || xmin >= 1.0f || ymax <= 0.0f || xmax <= 0.0f) {
        continue;
      }
      out[count * 4] = clip01(ymin);
      out[count * 4 + 1] = clip01(xmin);
      out[count * 4 + 2] = clip01(ymax);
      out[count * 4 + 3] = clip01(xmax);
      kept[count++] = i;
    }
    return Examples.withImageAndKeptBoxes(ex, height, width, pixels,
        java.util.Arrays.copyOf(out, count * 4), java.util.Arrays.copyOf(kept, count));
  }

  static float clip01(float v) {
    return Math.min(1.0f, Math.max(0.0f, v));
  }
}
