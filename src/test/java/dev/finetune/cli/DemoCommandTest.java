package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.TensorEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's quick start: the embedded default, end to end on a few images and steps. */
class DemoCommandTest {
  @Test
  void demoFineTunesTheShippedCheckpointOnNewClassesExportsAndDrawsThenResumes(@TempDir Path dir)
      throws Exception {
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
    assertThat(Files.readString(demo.resolve("data/label_map.pbtxt"))).contains("\"star\"").contains("\"cross\"");
    // The shipped checkpoint, byte for byte: a 3-class detector trained by finetune.
    assertThat(Files.readAllBytes(demo.resolve("pretrained/model.ckpt.index"))).isEqualTo(
        DemoCommand.class.getResourceAsStream(DemoCommand.PRETRAINED_RESOURCE + ".index").readAllBytes());
    // Backbone and box encoders restore; the class heads' shapes differ (3 classes there, 4 here).
    assertThat(r.err())
        .contains("Variable [BoxPredictor_0/ClassPredictor/weights] is available in checkpoint, but has an"
            + " incompatible shape with model variable")
        .contains("restored 187/199 variables from model.ckpt (detection): FeatureExtractor 175/175,"
            + " BoxPredictor_* 12/24 (12 incompatible shape")
        .contains("trainable 96/129 variables (frozen 33 by freeze_variables");
    assertThat(r.out()).containsPattern("mAP +before [0-9.]+ +after [0-9.]+");
    assertThat(demo.resolve("start/model.ckpt.index")).isRegularFile();
    // run again with more steps: it resumes instead of starting over
    var again = CliTestSupport.runWithLogs("demo", "--dir", demo.toString(), "--num_train", "8",
        "--num_eval", "2", "--num_train_steps", "3");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).contains("kept from the interrupted run").contains("(resuming from model.ckpt-2)");
    assertThat(again.err()).contains("Resuming from model.ckpt-2 (step 2)");
    // The written config points at the demo folder, so the user can run it from anywhere.
    var validate = CliTestSupport.run("validate_config", demo.resolve("pipeline.config").toString());
    assertThat(validate.exitCode()).isZero();
    assertThat(validate.out()).doesNotContain("Files to fix before training");
  }

  @Test
  void makeDemoDataWritesEitherTask(@TempDir Path dir) throws Exception {
    var r = CliTestSupport.run("make_demo_data", "--output", dir.resolve("b").toString(), "--task", "finetune",
        "--num_train", "2", "--num_eval", "0", "--size", "32");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("classes circle, triangle, star, cross");
    assertThat(Files.readString(dir.resolve("b/label_map.pbtxt"))).contains("\"cross\"").doesNotContain("square");
    var a = CliTestSupport.run("make_demo_data", "--output", dir.resolve("a").toString(),
        "--num_train", "2", "--num_eval", "0", "--size", "32");
    assertThat(a.out()).contains("classes circle, square, triangle");
    var bad = CliTestSupport.run("make_demo_data", "--output", dir.resolve("c").toString(), "--task", "other");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--task").contains("FINETUNE");
    assertThat(dir.resolve("c")).doesNotExist();
  }

  @Test
  void shippedCheckpointIsSmallAndHoldsTheModelVariablesOfThreeClassesOnly() throws Exception {
    Path prefix = Path.of("src/main/resources" + DemoCommand.PRETRAINED_RESOURCE);
    long bytes = 0;
    for (String suffix : DemoCommand.CHECKPOINT_SUFFIXES) {
      bytes += Files.size(Path.of(prefix + suffix));
    }
    assertThat(bytes).isLessThan(5_000_000);
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      List<String> names = reader.entries().stream().map(TensorEntry::name).toList();
      assertThat(names).contains("FeatureExtractor/MobilenetV1/Conv2d_0/weights", "BoxPredictor_5/BoxEncodingPredictor/biases")
          .noneMatch(n -> n.contains("Momentum") || n.contains("ExponentialMovingAverage"));
      // (3 classes + background) x 6 anchors per location in the last layer's class head.
      TensorEntry head = reader.entries().stream()
          .filter(e -> e.name().equals("BoxPredictor_5/ClassPredictor/biases")).findFirst().orElseThrow();
      assertThat(head.shape()).containsExactly(24);
    }
  }

  @Test
  void embeddedConfigIsTheOneInConfigsFolder() throws Exception {
    try (var in = DemoCommand.class.getResourceAsStream(DemoCommand.CONFIG_RESOURCE)) {
      assertThat(new String(in.readAllBytes()))
          .isEqualTo(Files.readString(Path.of("configs/ssd_mobilenet_v1_demo.config")));
    }
  }
}
