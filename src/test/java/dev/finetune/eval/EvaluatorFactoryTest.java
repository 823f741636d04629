package dev.finetune.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.EvalConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorFactoryTest {
  private static final List<Category> CATS = List.of(new Category(1, "cat"));

  @Test
  void emptyMetricsSetMeansCoco() {
    List<DetectionEvaluator> e = EvaluatorFactory.build(EvalConfig.getDefaultInstance(), CATS);
    assertThat(e).hasSize(1);
    assertThat(e.get(0)).isInstanceOf(CocoDetectionEvaluator.class);
  }

  @Test
  void buildsEachNamedEvaluatorOnceWithPerCategoryOptions() {
    EvalConfig config =
        EvalConfig.newBuilder()
            .addMetricsSet("pascal_voc_detection_metrics")
            .addMetricsSet("coco_detection_metrics")
            .addMetricsSet("pascal_voc_detection_metrics")
            .setIncludeMetricsPerCategory(true)
            .build();
    List<DetectionEvaluator> e = EvaluatorFactory.build(config, CATS);
    assertThat(e).extracting(DetectionEvaluator::metricsSet)
        .containsExactly("pascal_voc_detection_metrics", "coco_detection_metrics");
    e.get(1).add(Boxes.image("1").gt(1, 0, 0, 40, 40).build());
    assertThat(e.get(1).evaluate()).containsKey("DetectionBoxes_PerformanceByCategory/mAP/cat");
  }

  @Test
  void unknownMetricNamesTheSupportedOnes() {
    EvalConfig config = EvalConfig.newBuilder().addMetricsSet("coco_detection_metric").build();
    assertThatThrownBy(() -> EvaluatorFactory.build(config, CATS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eval_config.metrics_set: \"coco_detection_metric\"")
        .hasMessageContaining("Did you mean")
        .hasMessageContaining("Supported: coco_detection_metrics, pascal_voc_detection_metrics");
  }

  @Test
  void anApiMetricNotImplementedSaysSo() {
    EvalConfig config = EvalConfig.newBuilder().addMetricsSet("coco_mask_metrics").build();
    assertThatThrownBy(() -> EvaluatorFactory.build(config, CATS))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("finetune does not implement")
        .hasMessageContaining("Supported: coco_detection_metrics, pascal_voc_detection_metrics");
  }
}
