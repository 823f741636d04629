package dev.finetune.eval;

import dev.finetune.data.DataException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code pascal_voc_detection_metrics}: the API's {@code PascalDetectionEvaluator} (IoU 0.5, prefix
 * {@code PascalBoxes_}), ported from {@code object_detection_evaluation.ObjectDetectionEvaluation},
 * {@code per_image_evaluation} and {@code metrics}.
 *
 * <p>Per image and class (classes 1..max category id): detections with an empty box are dropped,
 * the rest sorted by score; each detection takes the ground truth of highest IoU (first on ties); at
 * IoU ≥ 0.5 a difficult box makes the detection ignored, a not-yet-detected box makes it a true
 * positive, an already-detected one a false positive (no fallback to the second best). Difficult
 * boxes do not count as ground truth; is_crowd is not read. AP per class is the VOC2010+ all-points
 * area under the monotone precision envelope (not 11-point), NaN for a class without ground truth;
 * mAP is the mean over classes with ground truth. IoU uses the API's float32/float64 mix.
 *
 * <p>Ties in score: numpy's unstable argsort, reversed, decides the API's order, which differs across
 * numpy builds; here ties are taken in reverse input order (a stable ascending sort, reversed).
 */
public final class PascalDetectionEvaluator implements DetectionEvaluator {
  public static final String METRICS_SET = "pascal_voc_detection_metrics";
  static final String PREFIX = "PascalBoxes_";
  private static final double IOU_THRESHOLD = 0.5;
  private static final int MAX_DETECTIONS = 10000; // the API's nms_max_output_boxes
  private static final float MIN_SCORE = -10.0f; // non_max_suppression's score_threshold

  private final List<Category> categories;
  private final int numClasses;
  private final Set<String> imageIds = new HashSet<>();
  private List<List<float[]>> scoresPerClass;
  private List<List<boolean[]>> labelsPerClass;
  private int[] numGtPerClass;

  public PascalDetectionEvaluator(List<Category> categories) {
    if (categories.isEmpty()) {
      throw new IllegalArgumentException("no categories to evaluate");
    }
    for (Category c : categories) {
      if (c.id() < 1) {
        throw new IllegalArgumentException("Classes should be 1-indexed: category " + c);
      }
    }
    this.categories = List.copyOf(categories);
    this.numClasses = categories.stream().mapToInt(Category::id).max().getAsInt();
    clear();
  }

  @Override
  public String metricsSet() {
    return METRICS_SET;
  }

  @Override
  public void clear() {
    imageIds.clear();
    scoresPerClass = new ArrayList<>();
    labelsPerClass = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      scoresPerClass.add(new ArrayList<>());
      labelsPerClass.add(new ArrayList<>());
    }
    numGtPerClass = new int[numClasses];
  }

  @Override
  public void add(EvalImage image) {
    if (!imageIds.add(image.id())) {
      throw new DataException(
          "Pascal VOC evaluation: image " + image.id() + " was already added; image ids must be unique");
    }
    EvalImage.GroundTruth gt = image.groundTruth();
    int ng = gt.size();
    float[][] gtBoxes = new float[ng][];
    for (int i = 0; i < ng; i++) {
      gtBoxes[i] = image.absolute(gt.boxes()[i]);
      int c = gt.classes()[i] - 1;
      if (c >= 0 && c < numClasses && !gt.difficult()[i]) {
        numGtPerClass[c]++;
      }
    }
    EvalImage.Detections det = image.detections();
    // _remove_invalid_boxes, on absolute boxes.
    List<float[]> boxes = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    List<Integer> classes = new ArrayList<>();
    for (int i = 0; i < det.size(); i++) {
      float[] b = image.absolute(det.boxes()[i]);
      if (b[0] < b[2] && b[1] < b[3]) {
        boxes.add(b);
        scores.add(det.scores()[i]);
        classes.add(det.classes()[i] - 1);
      }
    }
    for (int c = 0; c < numClasses; c++) {
      List<float[]> g = new ArrayList<>();
      List<Boolean> difficult = new ArrayList<>();
      for (int i = 0; i < ng; i++) {
        if (gt.classes()[i] - 1 == c) {
          g.add(gtBoxes[i]);
          difficult.add(gt.difficult()[i]);
        }
      }
      List<Integer> d = new ArrayList<>();
      for (int i = 0; i < boxes.size(); i++) {
        if (classes.get(i) == c && scores.get(i) > MIN_SCORE) {
          d.add(i);
        }
      }
      if (d.isEmpty()) {
        continue;
      }
      int[] order = descending(d.stream().mapToDouble(scores::get).toArray());
      int n = Math.min(order.length, MAX_DETECTIONS);
      float[] s = new float[n];
      float[][] db = new float[n][];
      for (int j = 0; j < n; j++) {
        s[j] = scores.get(d.get(order[j]));
        db[j] = boxes.get(d.get(order[j]));
      }
      boolean[] tp = new boolean[n];
      boolean[] ignored = new boolean[n];
      if (!g.isEmpty()) {
        boolean[] detected = new boolean[g.size()];
        for (int j = 0; j < n; j++) {
          int best = 0;
          double bestIou = iou(db[j], g.get(0));
          for (int k = 1; k < g.size(); k++) {
            double v = iou(db[j], g.get(k));
            if (v > bestIou) {
              bestIou = v;
              best = k;
            }
          }
          if (bestIou >= IOU_THRESHOLD) {
            if (difficult.get(best)) {
              ignored[j] = true;
            } else if (!detected[best]) {
              tp[j] = true;
              detected[best] = true;
            }
          }
        }
      }
      int kept = 0;
      for (boolean ig : ignored) {
        kept += ig ? 0 : 1;
      }
      if (kept == 0) {
        continue;
      }
      float[] ks = new float[kept];
      boolean[] kl = new boolean[kept];
      for (int j = 0, o = 0; j < n; j++) {
        if (!ignored[j]) {
          ks[o] = s[j];
          kl[o++] = tp[j];
        }
      }
      scoresPerClass.get(c).add(ks);
      labelsPerClass.get(c).add(kl);
    }
  }

  /**
   * {@code np_box_ops.iou} as numpy evaluates it on float32 boxes: intersection sides in float32,
   * clipped at 0 and multiplied in float64; areas and their sum in float32; union and ratio in float64.
   */
  static double iou(float[] a, float[] b) {
    double h = Math.max(0.0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
    double w = Math.max(0.0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    double intersect = h * w;
    float areaA = (a[2] - a[0]) * (a[3] - a[1]);
    float areaB = (b[2] - b[0]) * (b[3] - b[1]);
    float sum = areaA + areaB;
    return intersect / (sum - intersect);
  }

  /** Indices by descending value, ties in reverse input order: {@code np.argsort(v)[::-1]}, made stable. */
  private static int[] descending(double[] v) {
    Integer[] idx = new Integer[v.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (x, y) -> v[x] < v[y] ? -1 : v[x] > v[y] ? 1 : 0);
    int[] out = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = idx[idx.length - 1 - i];
    }
    return out;
  }

  /** Per class (index = id − 1): AP, NaN for a class without (non-difficult) ground truth. */
  double[] averagePrecisionPerClass() {
    double[] ap = new double[numClasses];
    for (int c = 0; c < numClasses; c++) {
      if (numGtPerClass[c] == 0) {
        ap[c] = Double.NaN;
        continue;
      }
      int n = 0;
      for (float[] s : scoresPerClass.get(c)) {
        n += s.length;
      }
      double[] scores = new double[n];
      boolean[] labels = new boolean[n];
      int o = 0;
      for (int i = 0; i < scoresPerClass.get(c).size(); i++) {
        float[] s = scoresPerClass.get(c).get(i);
        boolean[] l = labelsPerClass.get(c).get(i);
        for (int j = 0; j < s.length; j++, o++) {
          scores[o] = s[j];
          labels[o] = l[j];
        }
      }
      ap[c] = averagePrecision(scores, labels, numGtPerClass[c]);
    }
    return ap;
  }

  /** {@code metrics.compute_precision_recall} then {@code compute_average_precision}. */
  static double averagePrecision(double[] scores, boolean[] labels, int numGt) {
    int n = scores.length;
    if (n == 0) {
      return 0.0;
    }
    int[] order = descending(scores);
    double[] r = new double[n + 2];
    double[] p = new double[n + 2];
    long tp = 0;
    long fp = 0;
    for (int i = 0; i < n; i++) {
      if (labels[order[i]]) {
        tp++;
      } else {
        fp++;
      }
      p[i + 1] = (double) tp / (double) (tp + fp);
      r[i + 1] = (double) tp / numGt;
    }
    r[n + 1] = 1;
    for (int i = n; i >= 0; i--) {
      p[i] = Math.max(p[i], p[i + 1]);
    }
    double[] terms = new double[n + 1];
    int k = 0;
    for (int i = 1; i <= n + 1; i++) {
      if (r[i] != r[i - 1]) {
        terms[k++] = (r[i] - r[i - 1]) * p[i];
      }
    }
    return NumpySum.sum(terms, k);
  }

  @Override
  public Map<String, Double> evaluate() {
    double[] ap = averagePrecisionPerClass();
    // np.nanmean: NaN entries count as 0 in the (pairwise) sum and not in the count.
    double[] zeroed = new double[ap.length];
    int count = 0;
    for (int c = 0; c < ap.length; c++) {
      if (!Double.isNaN(ap[c])) {
        zeroed[c] = ap[c];
        count++;
      }
    }
    double mean = count == 0 ? Double.NaN : NumpySum.sum(zeroed, ap.length) / count;
    Map<String, Double> out = new LinkedHashMap<>();
    out.put(PREFIX + "Precision/mAP@0.5IOU", mean);
    List<Category> byId = new ArrayList<>(categories);
    byId.sort((a, b) -> Integer.compare(a.id(), b.id()));
    for (Category c : byId) {
      String name = Normalizer.normalize(c.name(), Normalizer.Form.NFKD);
      out.put(PREFIX + "PerformanceByCategory/AP@0.5IOU/" + name, ap[c.id() - 1]);
    }
    return out;
  }
}
