package dev.finetune.model.core;

import dev.finetune.data.DataException;
import dev.finetune.data.DetectionBatch;

/**
 * The API's SSD target assignment ({@code TargetAssigner.assign} as {@code SSDMetaArch._assign_targets}
 * uses it), in Java, per batch: IoU of groundtruth with anchors, argmax matching (groundtruth with
 * weight > 0 may force a match), then per anchor:
 *
 * <ul>
 *   <li>class target: the matched box's one-hot label with a background column in front, else the
 *       unmatched label ({@code [1,0,...]}, or all zeros with {@code encode_background_as_zeros});
 *   <li>class weight: the matched box's weight; {@code negative_class_weight} for negatives; 0 for
 *       ignored anchors;
 *   <li>box target: the box codes of the matched box; zeros otherwise; box weight: the matched box's
 *       weight, else 0.
 * </ul>
 *
 * Anchors are static, so this runs on the input side and the graph needs no control flow.
 * Immutable after construction: {@link #assign} may be called from several input threads at once.
 */
public final class SsdTargetAssigner {
  private final Anchors anchors;
  private final float[][] anchorGeometry;
  private final ArgMaxMatcher matcher;
  private final FasterRcnnBoxCoder coder;
  private final int numClasses;
  private final boolean encodeBackgroundAsZeros;
  private final float negativeClassWeight;

  /**
   * @param numClasses foreground classes K; targets have K + 1 columns (add_background_class)
   */
  public SsdTargetAssigner(Anchors anchors, ArgMaxMatcher matcher, FasterRcnnBoxCoder coder,
      int numClasses, boolean encodeBackgroundAsZeros, float negativeClassWeight) {
    if (numClasses < 1) {
      throw new IllegalArgumentException("num_classes must be >= 1, got " + numClasses);
    }
    this.anchors = anchors;
    this.anchorGeometry = anchors.centersAndSizes();
    this.matcher = matcher;
    this.coder = coder;
    this.numClasses = numClasses;
    this.encodeBackgroundAsZeros = encodeBackgroundAsZeros;
    this.negativeClassWeight = negativeClassWeight;
  }

  public Anchors anchors() {
    return anchors;
  }

  public int numClassesWithBackground() {
    return numClasses + 1;
  }

  /**
   * Targets for a whole batch (boxes past {@code numBoxes[i]} are padding and ignored).
   *
   * @throws DataException when a box's class is outside 1..num_classes (names the image)
   */
  public SsdTargets assign(DetectionBatch batch) {
    int b = batch.batchSize();
    int a = anchors.count();
    int c = numClasses + 1;
    SsdTargets t = new SsdTargets(b, a, c, new float[b * a * c], new float[b * a],
        new float[b * a * 4], new float[b * a], new int[b * a], new int[b]);
    float[] boxes = new float[batch.maxBoxes() * 4];
    for (int i = 0; i < b; i++) {
      int n = batch.numBoxes()[i];
      System.arraycopy(batch.boxes(), i * batch.maxBoxes() * 4, boxes, 0, n * 4);
      int[] classes = new int[n];
      float[] weights = new float[n];
      System.arraycopy(batch.classes(), i * batch.maxBoxes(), classes, 0, n);
      System.arraycopy(batch.weights(), i * batch.maxBoxes(), weights, 0, n);
      try {
        assignImage(boxes, classes, weights, n, t, i);
      } catch (IllegalArgumentException e) {
        throw new DataException("image " + batch.sourceIds()[i] + ": " + e.getMessage()
            + "; check the label map and model.ssd.num_classes");
      }
    }
    return t;
  }

  /**
   * Targets of image {@code image} of {@code out}.
   *
   * @param boxes groundtruth [n, 4] (first n rows used)
   * @param classes label-map ids from 1 (1..K)
   * @param weights groundtruth weights
   */
  public void assignImage(float[] boxes, int[] classes, float[] weights, int n, SsdTargets out,
      int image) {
    int a = anchors.count();
    int c = numClasses + 1;
    boolean[] valid = new boolean[n];
    for (int g = 0; g < n; g++) {
      if (classes[g] < 1 || classes[g] > numClasses) {
        throw new IllegalArgumentException("groundtruth class " + classes[g] + " of box " + g
            + " is outside 1.." + numClasses + " (num_classes)");
      }
      valid[g] = weights[g] > 0f;
    }
    float[] iou = IouSimilarity.compute(boxes, n, anchors.boxes(), a);
    int[] match = matcher.match(iou, n, a, valid);
    int matched = 0;
    int base = image * a;
    for (int j = 0; j < a; j++) {
      int m = match[j];
      int row = base + j;
      out.match()[row] = m;
      if (m >= 0) {
        matched++;
        out.clsTargets()[row * c + classes[m]] = 1f;
        out.clsWeights()[row] = weights[m];
        out.regWeights()[row] = weights[m];
        coder.encode(boxes[4 * m], boxes[4 * m + 1], boxes[4 * m + 2], boxes[4 * m + 3],
            anchorGeometry, j, out.regTargets(), row * 4);
      } else {
        if (!encodeBackgroundAsZeros) {
          out.clsTargets()[row * c] = 1f;
        }
        out.clsWeights()[row] = m == ArgMaxMatcher.IGNORED ? 0f : negativeClassWeight;
      }
    }
    out.numMatched()[image] = matched;
  }
}
