package dev.finetune.train;

import static dev.finetune.train.TrainTestSupport.config;
import static dev.finetune.train.TrainTestSupport.data;
import static dev.finetune.train.TrainTestSupport.floats;
import static dev.finetune.train.TrainTestSupport.totalLosses;
import static dev.finetune.train.TrainTestSupport.train;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.checkpoint.CheckpointState;
import dev.finetune.cli.CliTestSupport;
import dev.finetune.cli.CliTestSupport.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code finetune train} end to end through the real command line, on the tiny config: each test
 * is one of issue 9's and 10's "done when" cases. Runs are shared where they can be (a graph build
 * and first step cost a few seconds each).
 */
class TrainCommandTest {
  @TempDir static Path shared;
  static Path data;
  /** A 3-class checkpoint written by finetune (2 steps). */
  static Path pretrained;

  @BeforeAll
  static void pretrain() throws Exception {
    data = data(shared);
    Path run = shared.resolve("pretrained");
    Result r = run(train(config(shared, "pre.config", data, 3, ""), run, "--num_train_steps", "2"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    pretrained = run.resolve("model.ckpt-2");
  }

  static Result run(String... args) {
    return CliTestSupport.runWithLogs(args);
  }

  static String fineTune(String type, String more) {
    return "fine_tune_checkpoint: \"" + pretrained + "\" fine_tune_checkpoint_type: \"" + type + "\" " + more;
  }

  @Test
  void trainsResumesExactlyAndStopsAtNumSteps(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "a.config", data, 3, "");
    Path run = dir.resolve("run");
    Result first = run(train(cfg, run, "--num_train_steps", "3"));
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.err()).contains("Training from scratch");
    // every 2 steps and always at the end, with the trainer's side file and the state file
    assertThat(run.resolve("model.ckpt-2.index")).exists();
    assertThat(run.resolve("model.ckpt-3.index")).exists();
    assertThat(run.resolve("model.ckpt-3.trainer.json")).exists();
    assertThat(CheckpointState.read(run).orElseThrow().modelCheckpointPath()).isEqualTo("model.ckpt-3");
    assertThat(run.resolve("pipeline.config")).exists();
    try (Stream<Path> events = Files.list(run.resolve("train"))) {
      assertThat(events.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("events.out.tfevents."));
    }
    try (Stream<Path> files = Files.list(run)) { // no staging folders or temporary files left
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }

    Result second = run(train(cfg, run, "--num_train_steps", "5"));
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.err()).contains("Resuming from model.ckpt-3 (step 3); fine_tune_checkpoint not used")
        .contains("train_config.num_steps: 3 -> 5");
    assertThat(totalLosses(run)).extracting(s -> s.substring(0, s.indexOf(':')))
        .containsExactly("1", "2", "3", "4", "5");

    Result third = run(train(cfg, run, "--num_train_steps", "5"));
    assertThat(third.exitCode()).isZero();
    assertThat(third.err()).contains("already reached num_steps 5").contains("--num_train_steps");

    // the same 5 steps without the stop: the same losses and weights, bit for bit
    Path straight = dir.resolve("straight");
    assertThat(run(train(cfg, straight, "--num_train_steps", "5")).exitCode()).isZero();
    assertThat(totalLosses(run)).isEqualTo(totalLosses(straight));
    Map<String, float[]> a = floats(straight.resolve("model.ckpt-5"));
    Map<String, float[]> b = floats(run.resolve("model.ckpt-5"));
    assertThat(b.keySet()).isEqualTo(a.keySet()).contains(
        "FeatureExtractor/MobilenetV1/Conv2d_0/weights/Momentum",
        "FeatureExtractor/MobilenetV1/Conv2d_0/BatchNorm/moving_mean");
    a.forEach((name, values) -> assertThat(b.get(name)).as(name).containsExactly(values));
  }

  @Test
  void aChangedModelIsRefusedOnResumeUnlessForced(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    copyCheckpoint(run);
    Files.copy(config(dir, "three.config", data, 3, ""), run.resolve("pipeline.config"));
    Result r = run(train(config(dir, "four.config", data, 4, ""), run, "--num_train_steps", "3"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("model.ssd.num_classes: 3 -> 4").contains("--force");
  }

  @Test
  void fineTuningFromThreeToFiveClassesRestoresBackboneAndBoxEncodersNotClassHeads(@TempDir Path dir)
      throws Exception {
    Path cfg = config(dir, "five.config", data, 5,
        fineTune("detection", "load_all_detection_checkpoint_vars: true"));
    Path dryRunDir = dir.resolve("dry");
    Result dry = run(train(cfg, dryRunDir, "--dry_run"));
    assertThat(dry.exitCode()).as(dry.err()).isZero();
    assertThat(dryRunDir).doesNotExist();
    assertThat(dry.err()).contains("--dry_run").contains("trainable 129/129 variables");

    Path run = dir.resolve("run");
    Result r = run(train(cfg, run, "--num_train_steps", "1"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("Variable [BoxPredictor_0/ClassPredictor/weights] is available in checkpoint, but has"
            + " an incompatible shape with model variable.")
        .contains("Fine-tuning from " + pretrained);
    JsonObject report = JsonParser.parseString(Files.readString(run.resolve("restore_report.json")))
        .getAsJsonObject();
    String text = report.toString();
    assertThat(text).contains("BoxPredictor_0/BoxEncodingPredictor/weights");
    Map<String, float[]> before = floats(pretrained);
    Map<String, float[]> after = floats(run.resolve("model.ckpt-1"));
    // 3 -> 5 classes: 4 -> 6 logits per anchor (background included)
    assertThat(after.get("BoxPredictor_0/ClassPredictor/weights"))
        .hasSize(before.get("BoxPredictor_0/ClassPredictor/weights").length / 4 * 6);
  }

  @Test
  void freezingTheFeatureExtractorKeepsItBitIdenticalWhileTheHeadsTrain(@TempDir Path dir) throws Exception {
    Path cfg = config(dir, "frozen.config", data, 3,
        fineTune("detection", "load_all_detection_checkpoint_vars: true freeze_variables: \".*FeatureExtractor.*\""));
    Path run = dir.resolve("run");
    Result r = run(train(cfg, run, "--num_train_steps", "2"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).containsPattern("trainable \\d+/129 variables \\(frozen \\d+ by freeze_variables");
    Map<String, float[]> before = floats(pretrained);
    Map<String, float[]> after = floats(run.resolve("model.ckpt-2"));
    long frozen = 0;
    long trained = 0;
    for (String name : after.keySet()) {
      boolean slot = name.endsWith("/Momentum");
      boolean statistic = name.contains("moving_");
      if (slot || statistic || !before.containsKey(name)) {
        continue;
      }
      if (name.startsWith("FeatureExtractor/")) {
        assertThat(after.get(name)).as(name).containsExactly(before.get(name));
        frozen++;
      } else if (!java.util.Arrays.equals(after.get(name), before.get(name))) {
        trained++;
      }
    }
    assertThat(frozen).isGreaterThan(50);
    assertThat(trained).isGreaterThan(0);
    assertThat(after).doesNotContainKey("FeatureExtractor/MobilenetV1/Conv2d_0/weights/Momentum")
        .containsKey("BoxPredictor_0/ClassPredictor/weights/Momentum");
    // batch_norm.train is true: frozen layers' statistics still update, as in the API
    assertThat(after.get("FeatureExtractor/MobilenetV1/Conv2d_0/BatchNorm/moving_mean"))
        .isNotEqualTo(before.get("FeatureExtractor/MobilenetV1/Conv2d_0/BatchNorm/moving_mean"));
  }

  @Test
  void aCheckpointWithNothingForThisModelIsRefusedUnlessTheUserConsents(@TempDir Path dir) throws Exception {
    // classification expects names without the FeatureExtractor/ scope: this detection checkpoint has none
    Path cfg = config(dir, "cls.config", data, 3, fineTune("classification", ""));
    Path run = dir.resolve("run");
    Result refused = run(train(cfg, run, "--num_train_steps", "1"));
    assertThat(refused.exitCode()).as(refused.err()).isEqualTo(4);
    assertThat(refused.err()).contains("is not available in checkpoint").contains("--allow_empty_restore");
    assertThat(run.resolve("model.ckpt-1.index")).doesNotExist();

    Result consented = run(train(cfg, run, "--num_train_steps", "1", "--allow_empty_restore"));
    assertThat(consented.exitCode()).as(consented.err()).isZero();
    assertThat(run.resolve("model.ckpt-1.index")).exists();
  }

  @Test
  void aDivergingRunStopsWithExitCode5AndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    copyCheckpoint(run);
    Path cfg = config(dir, "a.config", data, 3, "");
    Result r = run(train(cfg, run, "--num_train_steps", "30", "--set",
        "train_config.optimizer.momentum_optimizer.learning_rate.constant_learning_rate.learning_rate=1e30"));
    assertThat(r.exitCode()).as(r.err()).isEqualTo(5);
    assertThat(r.err()).containsPattern("training diverged at step \\d+: Loss/");
    assertThat(CheckpointState.read(run).orElseThrow().modelCheckpointPath()).isEqualTo("model.ckpt-2");
  }

  /** model_dir holding a copy of the pretrained run's last checkpoint (as if it had trained there). */
  private static void copyCheckpoint(Path run) throws Exception {
    Files.createDirectories(run);
    Path from = pretrained.getParent();
    for (String f : new String[] {"model.ckpt-2.index", "model.ckpt-2.data-00000-of-00001",
        "model.ckpt-2.trainer.json", "checkpoint"}) {
      Files.copy(from.resolve(f), run.resolve(f));
    }
  }
}
