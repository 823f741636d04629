package dev.finetune.eval;

import org.tensorflow.Result;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.types.TFloat32;

/**
 * One run's detection outputs (boxes [B,T,4], scores [B,T], classes [B,T], num_detections [B]) read
 * into Java arrays, split per image: the first num_detections rows of each, as the API's
 * evaluation keeps them.
 */
final class DetectionRows {
  private final FloatNdArray boxes;
  private final FloatNdArray scores;
  private final FloatNdArray classes;
  private final FloatNdArray num;

  private DetectionRows(FloatNdArray boxes, FloatNdArray scores, FloatNdArray classes, FloatNdArray num) {
    this.boxes = boxes;
    this.scores = scores;
    this.classes = classes;
    this.num = num;
  }

  /** Reads a result fetched in the order boxes, scores, classes, num_detections (use before closing it). */
  static DetectionRows of(Result r) {
    return new DetectionRows((TFloat32) r.get(0), (TFloat32) r.get(1), (TFloat32) r.get(2),
        (TFloat32) r.get(3));
  }

  EvalImage.Detections image(int i) {
    int n = Math.round(num.getFloat(i));
    float[][] b = new float[n][4];
    float[] s = new float[n];
    int[] c = new int[n];
    for (int k = 0; k < n; k++) {
      for (int j = 0; j < 4; j++) {
        b[k][j] = boxes.getFloat(i, k, j);
      }
      s[k] = scores.getFloat(i, k);
      c[k] = Math.round(classes.getFloat(i, k));
    }
    return new EvalImage.Detections(b, s, c);
  }
}
