package dev.finetune.model.core;

import java.util.PriorityQueue;

/**
 * Greedy hard non-maximum suppression exactly as TF's CPU kernel ({@code NonMaxSuppressionV3/V5}
 * with sigma 0): candidates with score {@code > scoreThreshold}, highest score first (equal scores:
 * lower index first); a candidate is dropped when its IoU with an already selected box is {@code >
 * iouThreshold}. The kernel's IoU orders each box's corners with min/max and gives 0 when either
 * box has zero or negative area. The pure-Java reference of the graph's NMS.
 */
public final class GreedyNms {
  private GreedyNms() {}

  /**
   * Selected box indices in selection order.
   *
   * @param boxes [n, 4]
   * @param scores [n]
   */
  public static int[] select(float[] boxes, float[] scores, int maxOutput, float iouThreshold,
      float scoreThreshold) {
    int n = scores.length;
    PriorityQueue<Integer> queue = new PriorityQueue<>(Math.max(1, n), (i, j) -> {
      int c = Float.compare(scores[j], scores[i]);
      return c != 0 ? c : Integer.compare(i, j);
    });
    for (int i = 0; i < n; i++) {
      if (scores[i] > scoreThreshold) {
        queue.add(i);
      }
    }
    int[] selected = new int[Math.min(maxOutput, n)];
    int count = 0;
    while (count < selected.length && !queue.isEmpty()) {
      int candidate = queue.poll();
      boolean suppressed = false;
      for (int s = count - 1; s >= 0; s--) {
        if (iou(boxes, candidate, selected[s]) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (!suppressed) {
        selected[count++] = candidate;
      }
    }
    return java.util.Arrays.copyOf(selected, count);
  }

  /** TF's NMS-kernel IoU of boxes i and j. */
  static float iou(float[] boxes, int i, int j) {
    float yminI = Math.min(boxes[4 * i], boxes[4 * i + 2]);
    float xminI = Math.min(boxes[4 * i + 1], boxes[4 * i + 3]);
    float ymaxI = Math.max(boxes[4 * i], boxes[4 * i + 2]);
    float xmaxI = Math.max(boxes[4 * i + 1], boxes[4 * i + 3]);
    float yminJ = Math.min(boxes[4 * j], boxes[4 * j + 2]);
    float xminJ = Math.min(boxes[4 * j + 1], boxes[4 * j + 3]);
    float ymaxJ = Math.max(boxes[4 * j], boxes[4 * j + 2]);
    float xmaxJ = Math.max(boxes[4 * j + 1], boxes[4 * j + 3]);
    float areaI = (ymaxI - yminI) * (xmaxI - xminI);
    float areaJ = (ymaxJ - yminJ) * (xmaxJ - xminJ);
    if (areaI <= 0f || areaJ <= 0f) {
      return 0f;
    }
    float iy = Math.max(Math.min(ymaxI, ymaxJ) - Math.max(yminI, yminJ), 0f);
    float ix = Math.max(Math.min(xmaxI, xmaxJ) - Math.max(xminI, xminJ), 0f);
    float inter = iy * ix;
    return inter / (areaI + areaJ - inter);
  }
}
