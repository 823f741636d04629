package dev.finetune.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code coco_detection_metrics}: the API's {@code coco_evaluation.CocoDetectionEvaluator}, i.e.
 * pycocotools' bbox COCOeval ({@link CocoEval}) on the images added, with the API's metric names.
 *
 * <p>As in the API: the evaluated images are those added (an id added twice is ignored with a
 * warning), the categories are all label-map categories (one without ground truth comes out −1 and
 * is left out of the means), and {@code include_metrics_per_category} adds {@code
 * DetectionBoxes_PerformanceByCategory/mAP/<name>}, the mAP on that category's slice alone (the API
 * reads it from a {@code category_stats} that stock pycocotools lacks, see EVAL_SPEC.md §2). {@code
 * all_metrics_per_category} adds all 12 as {@code DetectionBoxes_<metric> ByCategory/<name>}.
 * Super-categories are not implemented.
 */
public final class CocoDetectionEvaluator implements DetectionEvaluator {
  public static final String METRICS_SET = "coco_detection_metrics";

  /** The 12 summary names in COCOeval.stats order, without the {@code DetectionBoxes_} prefix. */
  public static final List<String> METRIC_NAMES =
      List.of(
          "Precision/mAP",
          "Precision/mAP@.50IOU",
          "Precision/mAP@.75IOU",
          "Precision/mAP (small)",
          "Precision/mAP (medium)",
          "Precision/mAP (large)",
          "Recall/AR@1",
          "Recall/AR@10",
          "Recall/AR@100",
          "Recall/AR@100 (small)",
          "Recall/AR@100 (medium)",
          "Recall/AR@100 (large)");

  static final String PREFIX = "DetectionBoxes_";
  private static final Logger LOG = LoggerFactory.getLogger(CocoDetectionEvaluator.class);

  private final List<Category> categories;
  private final boolean includeMetricsPerCategory;
  private final boolean allMetricsPerCategory;
  private CocoDataset dataset;

  public CocoDetectionEvaluator(
      List<Category> categories, boolean includeMetricsPerCategory, boolean allMetricsPerCategory) {
    this.categories = List.copyOf(categories);
    this.includeMetricsPerCategory = includeMetricsPerCategory;
    this.allMetricsPerCategory = allMetricsPerCategory;
    this.dataset = new CocoDataset(this.categories);
  }

  public CocoDetectionEvaluator(List<Category> categories) {
    this(categories, false, false);
  }

  @Override
  public String metricsSet() {
    return METRICS_SET;
  }

  @Override
  public void add(EvalImage image) {
    if (!dataset.add(image)) {
      LOG.warn("Ignoring ground truth and detections of image {}: it was added before", image.id());
    }
  }

  /** The added images in COCO form, e.g. for {@link CocoJsonWriter}. */
  public CocoDataset dataset() {
    return dataset;
  }

  @Override
  public Map<String, Double> evaluate() {
    CocoEval.Result r = CocoEval.evaluate(dataset);
    Map<String, Double> out = new LinkedHashMap<>();
    for (int j = 0; j < METRIC_NAMES.size(); j++) {
      out.put(PREFIX + METRIC_NAMES.get(j), r.stats()[j]);
    }
    if (!includeMetricsPerCategory) {
      return out;
    }
    for (int k = 0; k < r.categoryIds().length; k++) {
      String name = nameOf(r.categoryIds()[k]);
      out.put(PREFIX + "PerformanceByCategory/mAP/" + name, r.categoryStats()[0][k]);
      if (allMetricsPerCategory) {
        for (int j = 0; j < METRIC_NAMES.size(); j++) {
          out.put(PREFIX + METRIC_NAMES.get(j) + " ByCategory/" + name, r.categoryStats()[j][k]);
        }
      }
    }
    return out;
  }

  private String nameOf(int id) {
    for (Category c : categories) {
      if (c.id() == id) {
        return c.name();
      }
    }
    throw new IllegalStateException("no category " + id);
  }

  @Override
  public void clear() {
    dataset = new CocoDataset(categories);
  }
}
