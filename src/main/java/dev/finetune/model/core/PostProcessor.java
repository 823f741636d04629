package dev.finetune.model.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.image.NonMaxSuppression;
import org.tensorflow.op.nn.TopK;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * SSD post-processing as the API's {@code SSDMetaArch.postprocess} with {@code
 * batch_multiclass_non_max_suppression} (default path: per-class hard NMS, not class-agnostic, not
 * combined), per image:
 *
 * <ol>
 *   <li>decode boxes against the anchors (one box shared by all classes, no pre-clipping);
 *   <li>scores = converter(logits / logit_scale) over all C columns, then drop background column 0;
 *   <li>for each class: NMS with score {@code > score_threshold}, IoU {@code > iou_threshold}
 *       suppresses, at most {@code max_detections_per_class};
 *   <li>concatenate classes in order, sort by score (stable);
 *   <li>clip to the window, drop boxes whose clipped area is 0, express in window coordinates
 *       ({@code change_coordinate_frame});
 *   <li>keep the top {@code max_total_detections}; pad with zeros.
 * </ol>
 *
 * <p>Outputs {@code detection_classes} are label-map ids (the API's 0-based class + 1, as its
 * exporter's {@code label_id_offset} adds, also on padding rows), as float32.
 */
public final class PostProcessor {

  /** {@code post_processing.score_converter}. */
  public enum ScoreConverter { IDENTITY, SIGMOID, SOFTMAX }

  /** {@code post_processing} settings this implementation honours. */
  public record Settings(
      ScoreConverter scoreConverter,
      float logitScale,
      float scoreThreshold,
      float iouThreshold,
      int maxDetectionsPerClass,
      int maxTotalDetections,
      boolean changeCoordinateFrame) {

    public Settings {
      String problem = problem(logitScale, iouThreshold, maxDetectionsPerClass, maxTotalDetections);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }

    /**
     * The one statement of the limits (the builder reports it with the config's field path): null
     * when they hold, else what is wrong, naming the field under {@code post_processing}.
     */
    public static String problem(
        float logitScale, float iouThreshold, int maxDetectionsPerClass, int maxTotalDetections) {
      String nms = "batch_non_max_suppression.";
      if (!(logitScale > 0)) {
        return "logit_scale must be > 0, got " + logitScale;
      }
      if (!(iouThreshold >= 0f && iouThreshold <= 1f)) {
        return nms + "iou_threshold must be in [0, 1], got " + iouThreshold;
      }
      if (maxDetectionsPerClass < 1) {
        return nms + "max_detections_per_class must be >= 1, got " + maxDetectionsPerClass;
      }
      if (maxDetectionsPerClass > maxTotalDetections) {
        return nms + "max_detections_per_class (" + maxDetectionsPerClass
            + ") must not exceed max_total_detections (" + maxTotalDetections + ")";
      }
      return null;
    }
  }

  /** The label-map id of 0-based class c is c + 1 (the API exporter's label_id_offset). */
  public static final int LABEL_ID_OFFSET = 1;

  /**
   * Detection outputs.
   *
   * @param boxes [B, T, 4] normalized [ymin, xmin, ymax, xmax]
   * @param scores [B, T]
   * @param classes [B, T] label-map ids (from 1), float32
   * @param numDetections [B] float32
   * @param rawBoxes [B, A, 4] decoded boxes before NMS
   * @param rawScores [B, A, C] converted scores before NMS, background column included
   */
  public record Detections(
      Operand<TFloat32> boxes,
      Operand<TFloat32> scores,
      Operand<TFloat32> classes,
      Operand<TFloat32> numDetections,
      Operand<TFloat32> rawBoxes,
      Operand<TFloat32> rawScores) {}

  private final Settings settings;
  private final Anchors anchors;
  private final FasterRcnnBoxCoder boxCoder;

  public PostProcessor(Settings settings, Anchors anchors, FasterRcnnBoxCoder boxCoder) {
    this.settings = settings;
    this.anchors = anchors;
    this.boxCoder = boxCoder;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Builds the post-processing ops. Internal ops go under {@code Postprocessor}; the outputs are
   * named {@code detection_boxes}, {@code detection_scores}, {@code detection_classes}, {@code
   * num_detections}, {@code raw_detection_boxes}, {@code raw_detection_scores} in {@code tf}'s scope.
   *
   * @param boxEncodings [B, A, 4], B static
   * @param classLogits [B, A, C] background first
   * @param clipWindows [B, 4] or null for [0, 0, 1, 1] (fixed-shape resizer)
   */
  public Detections build(Ops tf, Operand<TFloat32> boxEncodings, Operand<TFloat32> classLogits,
      Operand<TFloat32> clipWindows) {
    Ops s = tf.withSubScope("Postprocessor");
    int batch = (int) boxEncodings.shape().get(0);
    int numAnchors = (int) boxEncodings.shape().get(1);
    int numClasses = (int) classLogits.shape().get(2) - 1;
    Operand<TFloat32> decoded = boxCoder.decode(s, boxEncodings, anchors);
    Operand<TFloat32> converted = convert(s, classLogits);
    Operand<TFloat32> foreground = s.slice(converted, s.constant(new int[] {0, 0, 1}),
        s.constant(new int[] {-1, -1, -1}));
    var boxesPerImage = s.unstack(decoded, (long) batch).output();
    var scoresPerImage = s.unstack(foreground, (long) batch).output();
    List<Operand<TFloat32>> windows = new ArrayList<>();
    if (clipWindows == null) {
      for (int b = 0; b < batch; b++) {
        windows.add(s.constant(new float[] {0f, 0f, 1f, 1f}));
      }
    } else {
      windows.addAll(s.unstack(clipWindows, (long) batch).output());
    }
    int maxSel = Math.min(settings.maxDetectionsPerClass(), numAnchors);
    int candidates = numClasses * maxSel;
    int total = settings.maxTotalDetections();
    int kept = Math.min(total, candidates);
    float[] candidateClasses = new float[candidates];
    for (int c = 0; c < numClasses; c++) {
      Arrays.fill(candidateClasses, c * maxSel, (c + 1) * maxSel, (float) c);
    }
    Operand<TFloat32> classIds = s.constant(candidateClasses);
    Operand<TInt32> selRange = s.range(s.constant(0), s.constant(maxSel), s.constant(1));
    Operand<TInt32> keptRange = s.range(s.constant(0), s.constant(kept), s.constant(1));
    Operand<TFloat32> minusOne = s.constant(-1f);
    List<Operand<TFloat32>> outBoxes = new ArrayList<>();
    List<Operand<TFloat32>> outScores = new ArrayList<>();
    List<Operand<TFloat32>> outClasses = new ArrayList<>();
    List<Operand<TInt32>> outNum = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      Operand<TFloat32> boxes = boxesPerImage.get(b);
      var classScores = s.unstack(scoresPerImage.get(b), (long) numClasses, Unstack.axis(1L)).output();
      List<Operand<TInt32>> indices = new ArrayList<>();
      List<Operand<TFloat32>> scores = new ArrayList<>();
      for (int c = 0; c < numClasses; c++) {
        NonMaxSuppression<TFloat32> nms = s.image.nonMaxSuppression(boxes, classScores.get(c),
            s.constant(maxSel), s.constant(settings.iouThreshold()),
            s.constant(settings.scoreThreshold()), s.constant(0f),
            NonMaxSuppression.padToMaxOutputSize(true));
        indices.add(nms.selectedIndices());
        Operand<TBool> valid = s.math.less(selRange, nms.validOutputs());
        scores.add(s.select(valid, nms.selectedScores(), s.fill(s.constant(new int[] {maxSel}), minusOne)));
      }
      // ConcatV2 needs two inputs or more: a one-class model (FaceSSD) has one list.
      Operand<TInt32> allIndices = indices.size() == 1 ? indices.get(0) : s.concat(indices, s.constant(0));
      Operand<TFloat32> allScores = scores.size() == 1 ? scores.get(0) : s.concat(scores, s.constant(0));
      TopK<TFloat32, TInt32> sorted = s.nn.topK(allScores, s.constant(candidates), new TopK.Options[] {TopK.sorted(true)});
      Operand<TInt32> order = sorted.indices();
      Operand<TFloat32> sortedBoxes = s.gather(boxes, s.gather(allIndices, order, s.constant(0)),
          s.constant(0));
      Operand<TFloat32> sortedClasses = s.gather(classIds, order, s.constant(0));
      Operand<TFloat32> sortedScores = sorted.values();
      // Clip to the window and drop zero-area boxes (their score becomes -1, as the API marks them).
      Operand<TFloat32> window = windows.get(b);
      var w = s.unstack(window, 4L).output();
      var corners = s.unstack(sortedBoxes, 4L, Unstack.axis(1L)).output();
      Operand<TFloat32> ymin = clip(s, corners.get(0), w.get(0), w.get(2));
      Operand<TFloat32> xmin = clip(s, corners.get(1), w.get(1), w.get(3));
      Operand<TFloat32> ymax = clip(s, corners.get(2), w.get(0), w.get(2));
      Operand<TFloat32> xmax = clip(s, corners.get(3), w.get(1), w.get(3));
      Operand<TFloat32> area = s.math.mul(s.math.sub(ymax, ymin), s.math.sub(xmax, xmin));
      Operand<TBool> valid = s.math.logicalAnd(s.math.greater(area, s.constant(0f)),
          s.math.greaterEqual(sortedScores, s.constant(0f)));
      Operand<TFloat32> validScores = s.select(valid, sortedScores,
          s.fill(s.constant(new int[] {candidates}), minusOne));
      TopK<TFloat32, TInt32> resorted = s.nn.topK(validScores, s.constant(kept), new TopK.Options[] {TopK.sorted(true)});
      Operand<TInt32> numValid = s.math.minimum(
          s.reduceSum(s.dtypes.cast(valid, TInt32.class), s.constant(0)), s.constant(total));
      if (settings.changeCoordinateFrame()) {
        Operand<TFloat32> invH = s.math.div(s.constant(1f), s.math.sub(w.get(2), w.get(0)));
        Operand<TFloat32> invW = s.math.div(s.constant(1f), s.math.sub(w.get(3), w.get(1)));
        ymin = s.math.mul(s.math.sub(ymin, w.get(0)), invH);
        ymax = s.math.mul(s.math.sub(ymax, w.get(0)), invH);
        xmin = s.math.mul(s.math.sub(xmin, w.get(1)), invW);
        xmax = s.math.mul(s.math.sub(xmax, w.get(1)), invW);
      }
      Operand<TFloat32> finalBoxes = s.stack(List.of(ymin, xmin, ymax, xmax), Stack.axis(1L));
      Operand<TInt32> order2 = resorted.indices();
      Operand<TFloat32> keep = s.dtypes.cast(s.math.less(keptRange, numValid), TFloat32.class);
      Operand<TFloat32> boxesOut = s.math.mul(s.gather(finalBoxes, order2, s.constant(0)),
          s.expandDims(keep, s.constant(1)));
      Operand<TFloat32> scoresOut = s.math.mul(resorted.values(), keep);
      Operand<TFloat32> classesOut = s.math.mul(s.gather(sortedClasses, order2, s.constant(0)), keep);
      if (kept < total) {
        boxesOut = s.pad(boxesOut, s.constant(new int[][] {{0, total - kept}, {0, 0}}), s.constant(0f));
        scoresOut = s.pad(scoresOut, s.constant(new int[][] {{0, total - kept}}), s.constant(0f));
        classesOut = s.pad(classesOut, s.constant(new int[][] {{0, total - kept}}), s.constant(0f));
      }
      outBoxes.add(boxesOut);
      outScores.add(scoresOut);
      outClasses.add(classesOut);
      outNum.add(numValid);
    }
    return new Detections(
        tf.withName("detection_boxes").identity(s.stack(outBoxes)),
        tf.withName("detection_scores").identity(s.stack(outScores)),
        tf.withName("detection_classes").math.add(s.stack(outClasses),
            s.constant((float) LABEL_ID_OFFSET)),
        tf.withName("num_detections").dtypes.cast(s.stack(outNum), TFloat32.class),
        tf.withName("raw_detection_boxes").identity(decoded),
        tf.withName("raw_detection_scores").identity(converted));
  }

  private static Operand<TFloat32> clip(Ops s, Operand<TFloat32> v, Operand<TFloat32> lo,
      Operand<TFloat32> hi) {
    return s.math.maximum(s.math.minimum(v, hi), lo);
  }

  private Operand<TFloat32> convert(Ops s, Operand<TFloat32> logits) {
    Operand<TFloat32> scaled = s.math.div(logits, s.constant(settings.logitScale()));
    return switch (settings.scoreConverter()) {
      case IDENTITY -> s.identity(scaled);
      case SIGMOID -> s.math.sigmoid(scaled);
      case SOFTMAX -> s.nn.softmax(scaled);
    };
  }

  /** Pure-Java reference result of one image (classes are label-map ids). */
  public record ImageDetections(float[] boxes, float[] scores, float[] classes, int numDetections) {}

  /**
   * Pure-Java reference of {@link #build} for one image, window [0, 0, 1, 1].
   *
   * @param boxEncodings [A, 4]
   * @param classLogits [A, C]
   */
  public ImageDetections reference(float[] boxEncodings, float[] classLogits) {
    int a = anchors.count();
    int c = classLogits.length / a;
    int k = c - 1;
    float[] boxes = boxCoder.decode(boxEncodings, anchors.centersAndSizes());
    float[] converted = convertReference(classLogits, a, c);
    int maxSel = Math.min(settings.maxDetectionsPerClass(), a);
    List<float[]> cands = new ArrayList<>(); // {score, class, boxIndex}
    float[] column = new float[a];
    for (int cls = 0; cls < k; cls++) {
      for (int i = 0; i < a; i++) {
        column[i] = converted[i * c + cls + 1];
      }
      for (int i : GreedyNms.select(boxes, column, maxSel, settings.iouThreshold(),
          settings.scoreThreshold())) {
        cands.add(new float[] {column[i], cls, i});
      }
    }
    // Stable sort, highest score first (List.sort is stable).
    cands.sort((x, y) -> Float.compare(y[0], x[0]));
    int total = settings.maxTotalDetections();
    float[] outBoxes = new float[total * 4];
    float[] outScores = new float[total];
    float[] outClasses = new float[total];
    Arrays.fill(outClasses, LABEL_ID_OFFSET);
    int n = 0;
    for (float[] cand : cands) {
      if (n == total) {
        break;
      }
      int i = (int) cand[2];
      float ymin = Math.max(Math.min(boxes[4 * i], 1f), 0f);
      float xmin = Math.max(Math.min(boxes[4 * i + 1], 1f), 0f);
      float ymax = Math.max(Math.min(boxes[4 * i + 2], 1f), 0f);
      float xmax = Math.max(Math.min(boxes[4 * i + 3], 1f), 0f);
      if (!((ymax - ymin) * (xmax - xmin) > 0f) || !(cand[0] >= 0f)) {
        continue;
      }
      outBoxes[4 * n] = ymin;
      outBoxes[4 * n + 1] = xmin;
      outBoxes[4 * n + 2] = ymax;
      outBoxes[4 * n + 3] = xmax;
      outScores[n] = cand[0];
      outClasses[n] = cand[1] + LABEL_ID_OFFSET;
      n++;
    }
    return new ImageDetections(outBoxes, outScores, outClasses, n);
  }

  private float[] convertReference(float[] logits, int a, int c) {
    float[] out = new float[logits.length];
    for (int i = 0; i < a; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < c; j++) {
        max = Math.max(max, logits[i * c + j] / settings.logitScale());
      }
      double sum = 0;
      for (int j = 0; j < c; j++) {
        sum += Math.exp(logits[i * c + j] / settings.logitScale() - max);
      }
      for (int j = 0; j < c; j++) {
        float x = logits[i * c + j] / settings.logitScale();
        out[i * c + j] = switch (settings.scoreConverter()) {
          case IDENTITY -> x;
          case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
          case SOFTMAX -> (float) (Math.exp(x - max) / sum);
        };
      }
    }
    return out;
  }
}
