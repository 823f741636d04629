package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.Fixtures;
import dev.finetune.checkpoint.RestorePlan.Decision;
import dev.finetune.checkpoint.RestorePlan.Options;
import dev.finetune.checkpoint.RestorePlan.Variable;
import dev.finetune.proto.CheckpointVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Plans against checkpoints other programs wrote: the API's SSD MobileNet V1 and TF2 files. */
class RestorePlanFixturesTest {

  /** The 199 variables of the API's pets model (variables.tsv) plus global_step, as ours has. */
  static List<Variable> petsVariables(int numClasses) throws Exception {
    List<String> lines = Files.readAllLines(Fixtures.get("odapi_reference/variables.tsv"));
    List<Variable> vars = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      long[] shape = Arrays.stream(f[1].split("x")).mapToLong(Long::parseLong).toArray();
      if (f[0].contains("ClassPredictor")) {
        shape[shape.length - 1] = shape[shape.length - 1] / 38 * (numClasses + 1);
      }
      vars.add(new Variable(f[0], shape, f[2]));
    }
    vars.add(new Variable("global_step", new long[0], "int64"));
    return vars;
  }

  /** The API's SSD restore_map for "detection": the feature extractor scope, or all variables. */
  static Map<String, String> detectionMap(List<Variable> vars, boolean loadAll) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Variable v : vars) {
      if (!v.name().equals("global_step") && (loadAll || v.name().startsWith("FeatureExtractor/"))) {
        m.put(v.name(), v.name());
      }
    }
    return m;
  }

  static Path initCkpt() {
    return Fixtures.get("odapi_reference").resolve("init_ckpt");
  }

  @Test
  void restoresTheFeatureExtractorOfTheApisPetsCheckpoint() throws Exception {
    List<Variable> vars = petsVariables(37);
    try (CheckpointReader r = CheckpointReader.open(initCkpt())) {
      RestorePlan plan = RestorePlan.plan(r, "detection", vars, detectionMap(vars, false),
          Options.defaults());
      assertThat(plan.restoredCount()).isEqualTo(175);
      assertThat(plan.withDecision(Decision.NOT_SELECTED)).hasSize(25);
      assertThat(RestoreReport.of(plan).skippedLines()).isEmpty();
      assertThat(RestoreReport.of(plan).summary()).isEqualTo(
          "restored 175/199 variables from init_ckpt (detection): BoxPredictor_* 0/24 (24 not"
              + " selected by detection), FeatureExtractor 175/175; 24 checkpoint keys unused"
              + " (24 other)"); // families in the order of the variables (variables.tsv is sorted)
      RestorePlan all = RestorePlan.plan(r, "detection", vars, detectionMap(vars, true),
          Options.defaults());
      assertThat(all.restoredCount()).isEqualTo(199);
      assertThat(all.unusedKeys()).isEmpty();
    }
  }

  @Test
  void reportsTheClassHeadsOfAFiveClassModelWithTheApisShapeLine() throws Exception {
    List<Variable> vars = petsVariables(5);
    try (CheckpointReader r = CheckpointReader.open(initCkpt())) {
      RestorePlan plan = RestorePlan.plan(r, "detection", vars, detectionMap(vars, true),
          Options.defaults());
      assertThat(plan.restoredCount()).isEqualTo(187);
      assertThat(plan.withDecision(Decision.INCOMPATIBLE_SHAPE)).hasSize(12)
          .allMatch(e -> e.name().contains("/ClassPredictor/"));
      List<String> lines = RestoreReport.of(plan).skippedLines();
      assertThat(lines).hasSize(12);
      assertThat(lines.get(0)).isEqualTo(
          "Variable [BoxPredictor_0/ClassPredictor/biases] is available in checkpoint, but has an"
              + " incompatible shape with model variable. Checkpoint shape: [[114]], model variable"
              + " shape: [[18]]. This variable will not be initialized from the checkpoint.");
      assertThat(RestoreReport.of(plan).summary()).isEqualTo(
          "restored 187/199 variables from init_ckpt (detection): BoxPredictor_* 12/24 (12"
              + " incompatible shape: ClassPredictor 114 -> 18, 228 -> 36 (last dimension)),"
              + " FeatureExtractor 175/175; 12 checkpoint keys unused (12 other)");
    }
  }

  @Test
  void refusesATf2ObjectBasedCheckpointSayingWhatRestores() {
    Path tf2 = Fixtures.get("checkpoints/tf2_regression_with_optimizer").resolve("variables");
    List<Variable> vars = List.of(new Variable("w", new long[] {1}, "float32"));
    try (CheckpointReader r = CheckpointReader.open(tf2)) {
      assertThatThrownBy(() -> RestorePlan.plan(r, "detection", vars, Map.of("w", "w"),
          Options.defaults()))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("is a TF2 object-based checkpoint")
          .hasMessageContaining("fine_tune_checkpoint_version is V1 (the default)")
          .hasMessageContaining("TF1 model zoo detection checkpoint")
          .hasMessageContaining("fine_tune_checkpoint_type: \"classification\"");
      assertThatThrownBy(() -> RestorePlan.plan(r, "full", vars, Map.of("w", "w"),
          Options.defaults().withExpectedVersion(CheckpointVersion.V2)))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("fine_tune_checkpoint_version is V2, which is right for this file");
    }
    Path single = Fixtures.get("checkpoints/tf2_single_variable").resolve("variables");
    try (CheckpointReader r = CheckpointReader.open(single)) {
      assertThatThrownBy(() -> RestorePlan.plan(r, "detection", vars, Map.of(), Options.defaults()))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(single.toAbsolutePath().normalize().toString());
    }
  }

  @Test
  void aTf1SaverCheckpointOfAnotherModelRestoresNothingAndSaysSo() throws Exception {
    Path tf1 = Fixtures.get("checkpoints/tf1_regression").resolve("variables");
    List<Variable> vars = petsVariables(37);
    try (CheckpointReader r = CheckpointReader.open(tf1)) {
      RestorePlan plan = RestorePlan.plan(r, "detection", vars, detectionMap(vars, false),
          Options.defaults());
      assertThat(plan.isEmpty()).isTrue();
      assertThat(plan.whyEmpty()).contains("175 not in checkpoint").contains("the checkpoint has b, w")
          .contains("another network");
    }
  }
}
