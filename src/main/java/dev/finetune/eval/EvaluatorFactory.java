package dev.finetune.eval;

import dev.finetune.config.ConfigException;
import dev.finetune.config.Suggestions;
import dev.finetune.proto.EvalConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluators named by {@code eval_config.metrics_set}, as the API's {@code
 * eval_util.get_evaluators}: an empty list means {@code coco_detection_metrics} (the API's
 * EVAL_DEFAULT_METRIC); {@code include_metrics_per_category} and {@code all_metrics_per_category} go
 * to the COCO evaluator. A value named twice gives one evaluator.
 */
public final class EvaluatorFactory {
  /** The metrics_set values finetune implements. */
  public static final List<String> SUPPORTED =
      List.of(CocoDetectionEvaluator.METRICS_SET, PascalDetectionEvaluator.METRICS_SET);

  /** Other metrics_set values the API knows (eval_util.EVAL_METRICS_CLASS_DICT), not implemented here. */
  static final List<String> API_ONLY =
      List.of(
          "coco_keypoint_metrics",
          "coco_mask_metrics",
          "coco_panoptic_metrics",
          "lvis_mask_metrics",
          "oid_challenge_detection_metrics",
          "oid_challenge_object_detection_metrics",
          "oid_challenge_segmentation_metrics",
          "pascal_voc_instance_segmentation_metrics",
          "weighted_pascal_voc_detection_metrics",
          "weighted_pascal_voc_instance_segmentation_metrics",
          "precision_at_recall_detection_metrics",
          "oid_V2_detection_metrics");

  private static final Logger LOG = LoggerFactory.getLogger(EvaluatorFactory.class);

  private EvaluatorFactory() {}

  /**
   * The evaluators of {@code evalConfig.metrics_set} for {@code categories} (e.g. {@link
   * Category#fromLabelMap}). COCO options the API also reads but finetune does not implement
   * (super_categories, skip_predictions_for_unlabeled_class) are reported with a warning.
   */
  public static List<DetectionEvaluator> build(EvalConfig evalConfig, List<Category> categories) {
    if (evalConfig.getSuperCategoriesCount() > 0) {
      LOG.warn(
          "eval_config.super_categories is ignored: finetune does not compute the API's"
              + " PerformanceBySuperCategory metrics");
    }
    if (evalConfig.getSkipPredictionsForUnlabeledClass()) {
      LOG.warn(
          "eval_config.skip_predictions_for_unlabeled_class is ignored: finetune evaluates every"
              + " detection (the API keeps only classes in the image's labeled classes)");
    }
    return build(
        evalConfig.getMetricsSetList(),
        categories,
        evalConfig.getIncludeMetricsPerCategory(),
        evalConfig.getAllMetricsPerCategory());
  }

  public static List<DetectionEvaluator> build(
      List<String> metricsSet,
      List<Category> categories,
      boolean includeMetricsPerCategory,
      boolean allMetricsPerCategory) {
    Set<String> names = new LinkedHashSet<>(metricsSet);
    if (names.isEmpty()) {
      names.add(CocoDetectionEvaluator.METRICS_SET);
    }
    List<DetectionEvaluator> out = new ArrayList<>();
    for (String name : names) {
      switch (name) {
        case CocoDetectionEvaluator.METRICS_SET ->
            out.add(
                new CocoDetectionEvaluator(categories, includeMetricsPerCategory, allMetricsPerCategory));
        case PascalDetectionEvaluator.METRICS_SET -> out.add(new PascalDetectionEvaluator(categories));
        default -> throw unsupported(name);
      }
    }
    return out;
  }

  private static ConfigException unsupported(String name) {
    String why =
        API_ONLY.contains(name)
            ? " is an Object Detection API metric that finetune does not implement."
            : " is not a known metric." + Suggestions.didYouMean(name, allNames());
    return new ConfigException(
        "eval_config.metrics_set: \"" + name + "\"" + why + " Supported: "
            + String.join(", ", SUPPORTED) + ".");
  }

  private static List<String> allNames() {
    List<String> all = new ArrayList<>(SUPPORTED);
    all.addAll(API_ONLY);
    return all;
  }
}
