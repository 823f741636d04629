package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start: the embedded default, end to end on a few images. */
class DemoCommandTest {
  @Test
  void demoMakesDataCheckpointAndConfigAndRunsABatchThroughTheModel(@TempDir Path dir) {
    Path demo = dir.resolve("demo");
    var r = CliTestSupport.run("demo", "--dir", demo.toString(), "--num_train", "8", "--num_eval", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(demo.resolve("data/train.record")).isRegularFile();
    assertThat(demo.resolve("data/label_map.pbtxt")).isRegularFile();
    assertThat(demo.resolve("pretrained/model.ckpt.index")).isRegularFile();
    assertThat(r.out())
        .containsPattern("200 tensors; 200 of 200 model variables present with their shapes")
        .contains("ssd, feature extractor ssd_mobilenet_v1 (depth_multiplier 0.25)")
        .containsPattern("Loss/total_loss\\s+\\d+\\.\\d+")
        .contains("Training is not in this build yet");
    // The written config points at the demo folder, so the user can run it from anywhere.
    var validate = CliTestSupport.run("validate_config", demo.resolve("pipeline.config").toString());
    assertThat(validate.exitCode()).isZero();
    assertThat(validate.out()).doesNotContain("Files to fix before training");
  }

  @Test
  void embeddedConfigIsTheOneInConfigsFolder() throws Exception {
    try (var in = DemoCommand.class.getResourceAsStream(DemoCommand.CONFIG_RESOURCE)) {
      assertThat(new String(in.readAllBytes()))
          .isEqualTo(Files.readString(Path.of("configs/ssd_mobilenet_v1_demo.config")));
    }
  }
}
