package dev.finetune.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphRewriterNoticeTest {
  @Test
  void theStockFaceSsdQuantizationBlockIsWarnedOnceAsIgnored() throws Exception {
    PipelineConfig c =
        PipelineConfigLoader.load(
            Path.of("src/test/resources/configs/facessd_mobilenet_v2_quantized_320x320_open_image_v4.config"),
            List.of(), null);
    List<String> notes = c.warnings().stream().filter(w -> w.startsWith("graph_rewriter")).toList();
    assertThat(notes).hasSize(1);
    assertThat(notes.get(0))
        .contains("graph_rewriter.quantization is ignored")
        .contains("float model")
        .contains("delay 500000");
  }

  @Test
  void noGraphRewriterNoWarning() throws Exception {
    PipelineConfig c =
        PipelineConfigLoader.load(
            Path.of("src/test/resources/configs/ssdlite_mobilenet_v2_coco.config"), List.of(), null);
    assertThat(c.warnings()).noneMatch(w -> w.contains("graph_rewriter"));
  }
}
