package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start: the embedded default, end to end on a few images. */
class DemoCommandTest {
  @Test
  void demoMakesDataCheckpointAndConfigTrainsExportsAndDrawsThenResumes(@TempDir Path dir) {
    Path demo = dir.resolve("demo");
    var r = CliTestSupport.runWithLogs("demo", "--dir", demo.toString(), "--num_train", "8",
        "--num_eval", "2", "--num_train_steps", "2");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(demo.resolve("data/train.record")).isRegularFile();
    assertThat(demo.resolve("data/label_map.pbtxt")).isRegularFile();
    assertThat(demo.resolve("pretrained/model.ckpt.index")).isRegularFile();
    assertThat(demo.resolve("run/model.ckpt-2.index")).isRegularFile();
    assertThat(demo.resolve("exported/saved_model/saved_model.pb")).isRegularFile();
    assertThat(demo.resolve("detections/eval_00.png")).isRegularFile();
    assertThat(r.out())
        .contains("ssd, feature extractor ssd_mobilenet_v1 (depth_multiplier 0.25)")
        .contains("tensorboard --logdir");
    assertThat(r.err()).contains("restored 175/199 variables");
    // run again with more steps: it resumes instead of starting over
    var again = CliTestSupport.runWithLogs("demo", "--dir", demo.toString(), "--num_train", "8",
        "--num_eval", "2", "--num_train_steps", "3");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("kept from the interrupted run");
    assertThat(again.err()).contains("Resuming from model.ckpt-2 (step 2)");
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
