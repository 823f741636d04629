package dev.finetune.eval;

import java.util.ArrayList;
import java.util.List;

/** Test helper: builds {@link EvalImage}s from pixel boxes on 256×256 images (exact in float32). */
final class Boxes {
  static final int SIZE = 256;

  private final String id;
  private final List<float[]> gt = new ArrayList<>();
  private final List<Integer> gtClasses = new ArrayList<>();
  private final List<Boolean> crowd = new ArrayList<>();
  private final List<Boolean> difficult = new ArrayList<>();
  private final List<float[]> det = new ArrayList<>();
  private final List<Float> scores = new ArrayList<>();
  private final List<Integer> detClasses = new ArrayList<>();

  private Boxes(String id) {
    this.id = id;
  }

  static Boxes image(String id) {
    return new Boxes(id);
  }

  /** Pixel box [x, y, w, h] → normalized [ymin, xmin, ymax, xmax]. */
  static float[] box(int x, int y, int w, int h) {
    float s = SIZE;
    return new float[] {y / s, x / s, (y + h) / s, (x + w) / s};
  }

  Boxes gt(int cls, int x, int y, int w, int h) {
    return gt(cls, x, y, w, h, false, false);
  }

  Boxes gt(int cls, int x, int y, int w, int h, boolean isCrowd, boolean isDifficult) {
    gt.add(box(x, y, w, h));
    gtClasses.add(cls);
    crowd.add(isCrowd);
    difficult.add(isDifficult);
    return this;
  }

  Boxes det(int cls, float score, int x, int y, int w, int h) {
    det.add(box(x, y, w, h));
    scores.add(score);
    detClasses.add(cls);
    return this;
  }

  EvalImage build() {
    boolean[] c = new boolean[crowd.size()];
    boolean[] d = new boolean[difficult.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = crowd.get(i);
      d[i] = difficult.get(i);
    }
    float[] s = new float[scores.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = scores.get(i);
    }
    return new EvalImage(
        id,
        SIZE,
        SIZE,
        new EvalImage.GroundTruth(
            gt.toArray(new float[0][]), gtClasses.stream().mapToInt(i -> i).toArray(), c, d),
        new EvalImage.Detections(
            det.toArray(new float[0][]), s, detClasses.stream().mapToInt(i -> i).toArray()));
  }
}
