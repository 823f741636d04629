package dev.finetune.eval;

import java.util.Map;

/**
 * One {@code eval_config.metrics_set} entry: the API's {@code DetectionEvaluator}. Add every
 * evaluation image, then {@link #evaluate()}; {@link #clear()} before the next checkpoint.
 */
public interface DetectionEvaluator {
  /** The metrics_set value this evaluator implements, e.g. {@code coco_detection_metrics}. */
  String metricsSet();

  /** Adds one image's ground truth and detections. */
  void add(EvalImage image);

  /** Metric name (the API's, e.g. {@code DetectionBoxes_Precision/mAP}) to value, in the API's order. */
  Map<String, Double> evaluate();

  /** Forgets every added image. */
  void clear();
}
