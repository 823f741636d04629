package dev.finetune.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary users read before a long run, on configs shaped like the stock ones. */
class ConfigSummaryTest {
  private static Map<String, String> summary(String resource) {
    PipelineConfig c = PipelineConfigLoader.load(
        Path.of("src/test/resources/configs", resource), List.of(), null);
    assertThat(c.problems()).isEmpty();
    return ConfigSummary.of(c.proto());
  }

  @Test
  void petsTf1() {
    Map<String, String> s = summary("ssd_mobilenet_v1_pets_tf1.config");
    assertThat(s.get("model")).isEqualTo("ssd, feature extractor ssd_mobilenet_v1 (depth_multiplier 1.0)");
    assertThat(s.get("classes")).isEqualTo("37");
    assertThat(s.get("image size")).isEqualTo("300x300 (fixed_shape_resizer)");
    assertThat(s.get("fine-tune type")).startsWith("detection: the feature extractor")
        .contains("from_detection_checkpoint: true");
    assertThat(s.get("batch size")).isEqualTo("24");
    assertThat(s.get("steps")).isEqualTo("200000");
    assertThat(s.get("optimizer")).startsWith("rms_prop (momentum 0.9, decay 0.9, epsilon 1.0)")
        .endsWith("moving average 0.9999");
    assertThat(s.get("learning rate"))
        .isEqualTo("exponential decay from 0.004, x0.95 every 800720 steps (staircase)");
    assertThat(s.get("augmentations")).isEqualTo("random_horizontal_flip, ssd_random_crop");
    assertThat(s.get("eval input")).isEqualTo("PATH_TO_BE_CONFIGURED/pet_val.record");
  }

  @Test
  void ssdFpnTf2WithTwoEvalReaders() {
    Map<String, String> s = summary("ssd_resnet50_fpn_tf2.config");
    assertThat(s.get("model")).startsWith("ssd, feature extractor ssd_resnet50_v1_fpn_keras");
    assertThat(s.get("image size")).isEqualTo("640x640 (fixed_shape_resizer)");
    assertThat(s.get("fine-tune type")).startsWith("detection:").doesNotContain("deprecated");
    assertThat(s.get("optimizer")).isEqualTo("momentum (0.9)");
    assertThat(s.get("learning rate"))
        .isEqualTo("cosine decay from 0.04 over 5000 steps, warmup from 0.013333 for 200 steps");
    assertThat(s).containsKeys("eval input [0]", "eval input [1]");
  }

  @Test
  void fasterRcnnAndCenterNetSummaries() {
    assertThat(summary("faster_rcnn_resnet101_tf1.config").get("model")).startsWith("faster_rcnn");
    assertThat(summary("centernet_keypoints_tf2.config").get("model")).startsWith("center_net");
    assertThat(summary("efficientdet_d0_tf2.config").get("model")).startsWith("ssd");
  }
}
