package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateConfigCommandTest {
  private static final String CONFIG = """
      model { ssd {
        num_classes: 37
        image_resizer { fixed_shape_resizer { height: 300 width: 300 } }
        feature_extractor { type: "ssd_mobilenet_v1" }
      } }
      train_config {
        batch_size: 24
        fine_tune_checkpoint: "PATH_TO_BE_CONFIGURED/model.ckpt"
        from_detection_checkpoint: true
        num_steps: 200000
        optimizer { momentum_optimizer { learning_rate { constant_learning_rate { learning_rate: 0.004 } } } }
      }
      train_input_reader {
        tf_record_input_reader { input_path: "train.record" }
        label_map_path: "pet_label_map.pbtxt"
      }
      """;

  @Test
  void printsSummaryAndExitsZeroForAValidConfig(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("pipeline.config"), CONFIG);
    var r = CliTestSupport.run("validate_config", config.toString(), "--set", "train_config.batch_size=8");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("ssd, feature extractor ssd_mobilenet_v1")
        .containsPattern("classes\\s+37")
        .contains("300x300 (fixed_shape_resizer)")
        .contains("detection: the feature extractor of a detection checkpoint")
        .containsPattern("batch size\\s+8")
        .contains("momentum (0.9), moving average 0.9999")
        .contains("constant 0.004")
        .contains("still the stock placeholder")
        .contains("label map \"pet_label_map.pbtxt\" not found")
        .contains("The config is valid.");
  }

  @Test
  void kebabAliasAndOptionFormWork(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("pipeline.config"), CONFIG);
    var r = CliTestSupport.run("validate-config", "--pipeline_config_path=" + config);
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void invalidConfigExitsTwoWithEveryProblem(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("pipeline.config"),
        CONFIG.replace("num_classes: 37", "num_classes: 0").replace("batch_size: 24", "batch_size: 0"));
    var r = CliTestSupport.run("validate_config", config.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("model.ssd.num_classes: must be at least 1")
        .contains("train_config.batch_size: must be at least 1").doesNotContain("Exception");
    assertThat(r.out()).doesNotContain("classes");
  }

  @Test
  void parseErrorExitsTwoWithoutStackTrace(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("pipeline.config"), CONFIG.replace("num_steps", "num_stepz"));
    var r = CliTestSupport.run("validate_config", config.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("pipeline.config:10:3: unknown field \"num_stepz\"")
        .contains("Did you mean \"num_steps\"").doesNotContain("\tat ");
    var verbose = CliTestSupport.run("validate_config", config.toString(), "--verbose");
    assertThat(verbose.err()).contains("\tat ");
  }

  @Test
  void severalFilesGiveOneLineEachAndATotal(@TempDir Path dir) throws Exception {
    Path good = Files.writeString(dir.resolve("good.config"), CONFIG);
    Path bad = Files.writeString(dir.resolve("bad.config"), CONFIG.replace("num_steps", "num_stepz"));
    var r = CliTestSupport.run("validate_config", good.toString(), bad.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).contains("valid    " + good).contains("INVALID  " + bad)
        .contains("unknown field \"num_stepz\"").contains("1 valid, 1 invalid");
  }

  @Test
  void unsupportedModelsAndStepsAreWarnedHereAndRefusedByTraining(@TempDir Path dir) throws Exception {
    var faster = CliTestSupport.run("validate_config", "src/test/resources/configs/faster_rcnn_resnet101_tf1.config");
    assertThat(faster.exitCode()).isZero();
    assertThat(faster.out()).contains("not supported by finetune yet")
        .contains("model.faster_rcnn is not supported yet; supported: ssd with feature_extractor.type ssd_mobilenet_v1");
    Path config = Files.writeString(dir.resolve("pipeline.config"), CONFIG.replace("num_steps: 200000",
        "num_steps: 200000 data_augmentation_options { autoaugment_image { } }"));
    var step = CliTestSupport.run("validate_config", config.toString());
    assertThat(step.out()).contains("train_config.data_augmentation_options[0]").contains("autoaugment_image");
    assertThat(CliTestSupport.run("validate_config", "configs/ssd_mobilenet_v1_demo.config").out())
        .doesNotContain("not supported by finetune");
  }

  @Test
  void pipelineConfigAliasWorksButUsageShowsTheApisName(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("pipeline.config"), CONFIG);
    assertThat(CliTestSupport.run("validate_config", "--pipeline_config", config.toString()).exitCode()).isZero();
    var train = CliTestSupport.run("--pipeline_config", config.toString());
    assertThat(train.err()).doesNotContain("missing --pipeline_config_path");
    assertThat(CliTestSupport.run("--help").out())
        .contains("--pipeline_config_path=FILE").doesNotContain("[--pipeline_config=FILE]");
  }

  @Test
  void helpAndVersionWork() {
    assertThat(CliTestSupport.run("--help").out()).contains("--pipeline_config_path").contains("validate_config");
    assertThat(CliTestSupport.run("--version").out()).contains("finetune").contains("TensorFlow Java 1.1.0");
    var unknown = CliTestSupport.run("--pipeline_config_pth", "x");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("--pipeline_config_path");
  }

  @Test
  void trainWithoutConfigIsAUsageError() {
    var r = CliTestSupport.run("--model_dir", "x");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("missing --pipeline_config_path");
  }

  @Test
  void emptyAndBinaryConfigsAreOneClearConfigError(@TempDir Path dir) throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.config"), "# nothing yet\n\n");
    var r = CliTestSupport.run("validate_config", empty.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(empty + " is empty").contains("model { ... }");

    Path binary = Files.write(dir.resolve("model.ckpt.index"), new byte[] {0x57, (byte) 0xfb, (byte) 0x80, 0});
    r = CliTestSupport.run("describe_model", "--pipeline_config_path", binary.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(binary + " is not a text file").doesNotContain("Input length");
  }

  @Test
  void unbalancedBracesNameTheBlockInsteadOfTheEndOfTheFile(@TempDir Path dir) throws Exception {
    Path unclosed = Files.writeString(dir.resolve("unclosed.config"),
        CONFIG.replace("height: 300 width: 300 } }", "height: 300 width: 300 }"));
    var r = CliTestSupport.run("validate_config", unclosed.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("never closed").contains("line 1 (\"model { ssd {\")")
        .doesNotContain("Expected");

    Path extra = Files.writeString(dir.resolve("extra.config"), CONFIG + "}\n# a } in a comment\n");
    r = CliTestSupport.run("validate_config", extra.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("extra.config:17:1: this \"}\" at line 17 closes no block");
  }

  @Test
  void trainingWithMissingFilesExitsWithTheCodeOfWhatIsMissing(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    Path placeholder = Files.writeString(dir.resolve("placeholder.config"), CONFIG);
    var r = CliTestSupport.run("--pipeline_config_path", placeholder.toString(), "--model_dir", run.toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("still the stock placeholder");

    String noPlaceholder = CONFIG.replace("PATH_TO_BE_CONFIGURED/model.ckpt", dir + "/model.ckpt");
    Path noCheckpoint = Files.writeString(dir.resolve("nockpt.config"), noPlaceholder);
    r = CliTestSupport.run("--pipeline_config_path", noCheckpoint.toString(), "--model_dir", run.toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).contains("train_config.fine_tune_checkpoint");

    Files.writeString(dir.resolve("model.ckpt.index"), "x");
    Path noData = Files.writeString(dir.resolve("nodata.config"), noPlaceholder);
    r = CliTestSupport.run("--pipeline_config_path", noData.toString(), "--model_dir", run.toString());
    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).contains("no record file matches \"train.record\" (" + Path.of("train.record").toAbsolutePath())
        .contains("label map \"pet_label_map.pbtxt\" not found");
    Path absolute = Files.writeString(dir.resolve("absolute.config"),
        noPlaceholder.replace("\"pet_label_map.pbtxt\"", "\"" + dir + "/labels.pbtxt\""));
    r = CliTestSupport.run("validate_config", absolute.toString());
    assertThat(r.out()).contains("label map \"" + dir + "/labels.pbtxt\" not found\n");
  }
}
