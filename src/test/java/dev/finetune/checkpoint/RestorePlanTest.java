package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.checkpoint.RestorePlan.Decision;
import dev.finetune.checkpoint.RestorePlan.KeyKind;
import dev.finetune.checkpoint.RestorePlan.Options;
import dev.finetune.checkpoint.RestorePlan.UnusedKey;
import dev.finetune.checkpoint.RestorePlan.Variable;
import dev.finetune.proto.CheckpointVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.DataType;

/** Restore plans against hand-built checkpoints: every decision, the API's lines, the summary. */
class RestorePlanTest {
  @TempDir Path tmp;

  static final String W0 = "FeatureExtractor/MobilenetV1/Conv2d_0/weights";
  static final String BETA0 = "FeatureExtractor/MobilenetV1/Conv2d_0/BatchNorm/beta";
  static final String W1 = "FeatureExtractor/MobilenetV1/Conv2d_1/weights";
  static final String BOX0 = "BoxPredictor_0/BoxEncodingPredictor/weights";
  static final String CLS0 = "BoxPredictor_0/ClassPredictor/weights";
  static final String CLS1 = "BoxPredictor_1/ClassPredictor/weights";

  static List<Variable> model() {
    return List.of(
        new Variable(W0, new long[] {3, 3, 3, 8}, "float32"),
        new Variable(BETA0, new long[] {8}, "float32"),
        new Variable(W1, new long[] {1, 1, 8, 8}, "float32"),
        new Variable(BOX0, new long[] {1, 1, 8, 12}, "float32"),
        new Variable(CLS0, new long[] {1, 1, 8, 18}, "float32"),
        new Variable(CLS1, new long[] {1, 1, 8, 36}, "float32"),
        new Variable("global_step", new long[] {}, "int64"));
  }

  /** A detection checkpoint of the "same" network with 37 classes, trained with momentum and EMA. */
  Path detectionCheckpoint() throws Exception {
    return new TestBundles()
        .floats(W0, 1, 3, 3, 3, 8)
        .floats(W0 + "/Momentum", 1000, 3, 3, 3, 8)
        .floats(W0 + "/ExponentialMovingAverage", 5000, 3, 3, 3, 8)
        .zeros(W1, DataType.DT_DOUBLE, 1, 1, 8, 8)
        .floats(BOX0, 7, 1, 1, 8, 12)
        .floats(CLS0, 0, 1, 1, 8, 114)
        .floats(CLS1, 0, 1, 1, 8, 228)
        .zeros("global_step", DataType.DT_INT64)
        .zeros("beta1_power", DataType.DT_FLOAT)
        .floats("OtherNet/x", 0, 2)
        .write(tmp.resolve("model.ckpt-5"));
  }

  /** The restore map of "detection" with load_all_detection_checkpoint_vars: every model variable. */
  static Map<String, String> loadAll() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Variable v : model()) {
      if (!v.name().equals("global_step")) {
        m.put(v.name(), v.name());
      }
    }
    return m;
  }

  static RestorePlan plan(Path prefix, Map<String, String> selection, Options options) {
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      return RestorePlan.plan(r, "detection", model(), selection, options);
    }
  }

  @Test
  void decidesEveryVariable() throws Exception {
    RestorePlan plan = plan(detectionCheckpoint(), loadAll(), Options.defaults());
    Map<String, Decision> d = new LinkedHashMap<>();
    plan.entries().forEach(e -> d.put(e.name(), e.decision()));
    assertThat(d).containsExactly(
        Map.entry(W0, Decision.RESTORED),
        Map.entry(BETA0, Decision.NOT_IN_CHECKPOINT),
        Map.entry(W1, Decision.INCOMPATIBLE_DTYPE),
        Map.entry(BOX0, Decision.RESTORED),
        Map.entry(CLS0, Decision.INCOMPATIBLE_SHAPE),
        Map.entry(CLS1, Decision.INCOMPATIBLE_SHAPE),
        Map.entry("global_step", Decision.NOT_SELECTED));
    assertThat(plan.restoredCount()).isEqualTo(2);
    assertThat(plan.isEmpty()).isFalse();
    RestorePlan.Entry w0 = plan.entry(W0).orElseThrow();
    assertThat(w0.sourceKey()).isEqualTo(W0);
    assertThat(w0.fromMovingAverage()).isFalse();
    RestorePlan.Entry cls0 = plan.entry(CLS0).orElseThrow();
    assertThat(cls0.checkpointShape()).containsExactly(1, 1, 8, 114);
    assertThat(cls0.sourceKey()).isNull();
    assertThat(plan.entry(W1).orElseThrow().checkpointDtype()).isEqualTo("float64");
    assertThat(plan.entry("global_step").orElseThrow().reason()).contains("never restored");
    assertThat(plan.layout()).isEqualTo(CheckpointLayout.TF1);
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void listsTheKeysNothingUsesByKind() throws Exception {
    RestorePlan plan = plan(detectionCheckpoint(), loadAll(), Options.defaults());
    Map<String, KeyKind> unused = new LinkedHashMap<>();
    plan.unusedKeys().forEach(u -> unused.put(u.key(), u.kind()));
    assertThat(unused).containsOnly(
        Map.entry(CLS0, KeyKind.OTHER),
        Map.entry(CLS1, KeyKind.OTHER),
        Map.entry(W0 + "/ExponentialMovingAverage", KeyKind.MOVING_AVERAGE),
        Map.entry(W0 + "/Momentum", KeyKind.OPTIMIZER_SLOT),
        Map.entry(W1, KeyKind.OTHER),
        Map.entry("OtherNet/x", KeyKind.OTHER),
        Map.entry("beta1_power", KeyKind.OPTIMIZER_SLOT),
        Map.entry("global_step", KeyKind.GLOBAL_STEP));
  }

  @Test
  void slotsMovingAveragesAndGlobalStepAreNeverSelected() throws Exception {
    Map<String, String> selection = new LinkedHashMap<>();
    selection.put(W0 + "/Momentum", W0);
    selection.put(W0 + "/ExponentialMovingAverage", BOX0);
    selection.put("global_step", "global_step");
    RestorePlan plan = plan(detectionCheckpoint(), selection, Options.defaults());
    assertThat(plan.entry(W0).orElseThrow().decision()).isEqualTo(Decision.NOT_SELECTED);
    assertThat(plan.entry(W0).orElseThrow().reason()).contains("optimizer state");
    assertThat(plan.entry(BOX0).orElseThrow().decision()).isEqualTo(Decision.NOT_SELECTED);
    assertThat(plan.entry("global_step").orElseThrow().decision()).isEqualTo(Decision.NOT_SELECTED);
    assertThat(plan.isEmpty()).isTrue();
    assertThat(RestorePlan.kindOf("a/RMSProp_1")).isEqualTo(KeyKind.OPTIMIZER_SLOT);
    assertThat(RestorePlan.kindOf("a/Adam")).isEqualTo(KeyKind.OPTIMIZER_SLOT);
    assertThat(RestorePlan.kindOf("a/MomentumNet/w")).isEqualTo(KeyKind.OTHER);
  }

  @Test
  void movingAveragesReplaceTheRawValueWhenAskedAndPresent() throws Exception {
    Path ckpt = detectionCheckpoint();
    RestorePlan plan = plan(ckpt, loadAll(), Options.defaults().withMovingAverages(true));
    RestorePlan.Entry w0 = plan.entry(W0).orElseThrow();
    assertThat(w0.decision()).isEqualTo(Decision.RESTORED);
    assertThat(w0.checkpointKey()).isEqualTo(W0);
    assertThat(w0.sourceKey()).isEqualTo(W0 + "/ExponentialMovingAverage");
    assertThat(w0.fromMovingAverage()).isTrue();
    RestorePlan.Entry box = plan.entry(BOX0).orElseThrow();
    assertThat(box.sourceKey()).isEqualTo(BOX0); // no shadow: the raw value
    assertThat(box.fromMovingAverage()).isFalse();
    assertThat(plan.restoredFromMovingAverages()).isEqualTo(1);
    assertThat(plan.unusedKeys()).extracting(UnusedKey::key).contains(W0).doesNotContain(
        W0 + "/ExponentialMovingAverage");
    assertThat(RestoreReport.of(plan).summary()).contains("; 1 from moving averages");
  }

  @Test
  void classificationSelectionMapsStrippedKeysOntoScopedVariables() throws Exception {
    Path ckpt = new TestBundles()
        .floats("MobilenetV1/Conv2d_0/weights", 1, 3, 3, 3, 8)
        .floats("MobilenetV1/Logits/Conv2d_1c_1x1/weights", 1, 1, 1, 8, 1001)
        .write(tmp.resolve("mobilenet_v1.ckpt"));
    Map<String, String> selection = Map.of(
        "MobilenetV1/Conv2d_0/weights", W0,
        "MobilenetV1/Conv2d_0/BatchNorm/beta", BETA0);
    try (CheckpointReader r = CheckpointReader.open(ckpt)) {
      RestorePlan plan = RestorePlan.plan(r, "classification", model(), selection, Options.defaults());
      assertThat(plan.entry(W0).orElseThrow().decision()).isEqualTo(Decision.RESTORED);
      assertThat(plan.entry(W0).orElseThrow().sourceKey()).isEqualTo("MobilenetV1/Conv2d_0/weights");
      assertThat(plan.entry(CLS0).orElseThrow().decision()).isEqualTo(Decision.NOT_SELECTED);
      assertThat(plan.entry(CLS0).orElseThrow().reason())
          .isEqualTo("fine_tune_checkpoint_type \"classification\" does not restore it");
      // The API prints the checkpoint key, which lacks the scope for a classifier.
      assertThat(RestoreReport.of(plan).skippedLines()).containsExactly(
          "Variable [MobilenetV1/Conv2d_0/BatchNorm/beta] is not available in checkpoint");
    }
  }

  @Test
  void printsTheApiLinesWordForWordSortedByKey() throws Exception {
    RestorePlan plan = plan(detectionCheckpoint(), loadAll(), Options.defaults());
    assertThat(RestoreReport.of(plan).skippedLines()).containsExactly(
        "Variable [BoxPredictor_0/ClassPredictor/weights] is available in checkpoint, but has an"
            + " incompatible shape with model variable. Checkpoint shape: [[1, 1, 8, 114]], model"
            + " variable shape: [[1, 1, 8, 18]]. This variable will not be initialized from the"
            + " checkpoint.",
        "Variable [BoxPredictor_1/ClassPredictor/weights] is available in checkpoint, but has an"
            + " incompatible shape with model variable. Checkpoint shape: [[1, 1, 8, 228]], model"
            + " variable shape: [[1, 1, 8, 36]]. This variable will not be initialized from the"
            + " checkpoint.",
        "Variable [FeatureExtractor/MobilenetV1/Conv2d_0/BatchNorm/beta] is not available in"
            + " checkpoint",
        "Variable [FeatureExtractor/MobilenetV1/Conv2d_1/weights] is available in checkpoint, but"
            + " has an incompatible dtype with model variable. Checkpoint dtype: [float64], model"
            + " variable dtype: [float32]. This variable will not be initialized from the"
            + " checkpoint.");
  }

  @Test
  void summarizesOneFamilyPerLayerGroup() throws Exception {
    RestorePlan plan = plan(detectionCheckpoint(), loadAll(), Options.defaults());
    assertThat(RestoreReport.of(plan).summary()).isEqualTo(
        "restored 2/6 variables from model.ckpt-5 (detection): FeatureExtractor 1/3 (1 not in"
            + " checkpoint; 1 incompatible dtype: Conv2d_1 float64 -> float32), BoxPredictor_* 1/3"
            + " (2 incompatible shape: ClassPredictor 114 -> 18, 228 -> 36 (last dimension)); 8 checkpoint keys unused (2 optimizer state, 1 moving average,"
            + " 1 global_step, 4 other)");
    Map<String, String> featureExtractorOnly = new LinkedHashMap<>();
    featureExtractorOnly.put(W0, W0);
    RestorePlan fe = plan(detectionCheckpoint(), featureExtractorOnly, Options.defaults());
    assertThat(RestoreReport.of(fe).summary()).startsWith(
        "restored 1/6 variables from model.ckpt-5 (detection): FeatureExtractor 1/3 (2 not selected"
            + " by detection), BoxPredictor_* 0/3 (3 not selected by detection);");
  }

  @Test
  void writesThePlanAsJsonAtomically() throws Exception {
    RestorePlan plan = plan(detectionCheckpoint(), loadAll(), Options.defaults());
    Path out = tmp.resolve("model_dir").resolve("restore_report.json");
    RestoreReport.of(plan).writeJson(out);
    RestoreReport.of(plan).writeJson(out); // replaces
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("restore_report.json");
    }
    JsonObject json = JsonParser.parseString(Files.readString(out)).getAsJsonObject();
    assertThat(json.get("checkpoint").getAsString()).endsWith("model.ckpt-5");
    assertThat(json.get("fine_tune_checkpoint_type").getAsString()).isEqualTo("detection");
    assertThat(json.get("restored").getAsInt()).isEqualTo(2);
    assertThat(json.getAsJsonArray("variables_detail")).hasSize(7);
    JsonObject cls0 = json.getAsJsonArray("variables_detail").get(4).getAsJsonObject();
    assertThat(cls0.get("name").getAsString()).isEqualTo(CLS0);
    assertThat(cls0.get("decision").getAsString()).isEqualTo("incompatible_shape");
    assertThat(cls0.get("checkpoint_key").getAsString()).isEqualTo(CLS0);
    assertThat(cls0.get("shape").toString()).isEqualTo("[1,1,8,18]");
    assertThat(cls0.get("checkpoint_shape").toString()).isEqualTo("[1,1,8,114]");
    assertThat(cls0.get("dtype").getAsString()).isEqualTo("float32");
    JsonObject step = json.getAsJsonArray("variables_detail").get(6).getAsJsonObject();
    assertThat(step.get("checkpoint_key").isJsonNull()).isTrue();
    assertThat(json.getAsJsonArray("unused_keys")).hasSize(8);
  }

  @Test
  void explainsAnEmptyPlanFromAnotherNetwork() throws Exception {
    Path other = new TestBundles()
        .floats("resnet_v1_50/conv1/weights", 0, 7, 7, 3, 64)
        .floats("resnet_v1_50/block1/unit_1/bottleneck_v1/conv1/weights", 0, 1, 1, 64, 64)
        .write(tmp.resolve("resnet.ckpt"));
    RestorePlan plan = plan(other, loadAll(), Options.defaults());
    assertThat(plan.isEmpty()).isTrue();
    assertThat(RestoreReport.of(plan).skippedLines()).hasSize(6)
        .allMatch(l -> l.endsWith("is not available in checkpoint"));
    assertThat(plan.whyEmpty())
        .contains("nothing restores from fine_tune_checkpoint " + other)
        .contains("of 6 selected variables, 6 not in checkpoint")
        .contains("Model expects keys such as " + W0)
        .contains("the checkpoint has resnet_v1_50/")
        .contains("another network");
    assertThatThrownBy(() -> plan.requireNotEmpty("Pass --allow_empty_restore to train anyway."))
        .isInstanceOf(CheckpointException.class)
        .hasMessageEndingWith("Pass --allow_empty_restore to train anyway.");
  }

  @Test
  void suggestsTheRightTypeWhenOnlyTheScopeDiffers() throws Exception {
    // A detection checkpoint planned with the classification map (keys without the scope).
    Path detection = new TestBundles().floats(W0, 0, 3, 3, 3, 8).floats(BETA0, 0, 8)
        .write(tmp.resolve("det.ckpt"));
    Map<String, String> classification = Map.of(
        "MobilenetV1/Conv2d_0/weights", W0, "MobilenetV1/Conv2d_0/BatchNorm/beta", BETA0);
    assertThat(plan(detection, classification, Options.defaults()).whyEmpty())
        .contains("set fine_tune_checkpoint_type: \"detection\"");
    // A classifier's checkpoint planned with the detection map.
    Path classifier = new TestBundles().floats("MobilenetV1/Conv2d_0/weights", 0, 3, 3, 3, 8)
        .floats("MobilenetV1/Conv2d_0/BatchNorm/beta", 0, 8).write(tmp.resolve("cls.ckpt"));
    assertThat(plan(classifier, Map.of(W0, W0, BETA0, BETA0), Options.defaults()).whyEmpty())
        .contains("set fine_tune_checkpoint_type: \"classification\"");
  }

  @Test
  void explainsAnEmptyPlanOfSameNamesOtherShapes() throws Exception {
    Path ckpt = new TestBundles().floats(W0, 0, 3, 3, 3, 16).floats(BETA0, 0, 16)
        .write(tmp.resolve("wide.ckpt"));
    String why = plan(ckpt, Map.of(W0, W0, BETA0, BETA0), Options.defaults()).whyEmpty();
    assertThat(why).contains("2 incompatible shape")
        .contains("checkpoint shape [3,3,3,16], model shape [3,3,3,8]")
        .contains("depth_multiplier");
    RestorePlan none = plan(ckpt, Map.of(), Options.defaults());
    assertThat(none.whyEmpty()).contains("selects none of the model's 7 variables");
  }

  @Test
  void rejectsASelectionThatNamesNoModelVariable() throws Exception {
    Path ckpt = detectionCheckpoint();
    assertThatThrownBy(() -> plan(ckpt, Map.of("k", "no/such/var"), Options.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no/such/var");
    assertThatThrownBy(() -> plan(ckpt, Map.of("k1", W0, "k2", W0), Options.defaults()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from two keys");
  }

  @Test
  void resolvesADirectoryThroughItsCheckpointFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("run"));
    new TestBundles().floats(W0, 0, 3, 3, 3, 8).write(dir.resolve("model.ckpt-100"));
    Files.writeString(dir.resolve("checkpoint"), "model_checkpoint_path: \"model.ckpt-100\"\n");
    try (CheckpointReader r = CheckpointReader.open(dir)) {
      RestorePlan plan = RestorePlan.plan(r, "detection", model(), Map.of(W0, W0), Options.defaults());
      assertThat(plan.checkpointPrefix()).isEqualTo(dir.resolve("model.ckpt-100").toAbsolutePath());
      assertThat(plan.restoredCount()).isEqualTo(1);
    }
  }

  @Test
  void warnsWhenVersionV2MeetsANameBasedCheckpoint() throws Exception {
    RestorePlan plan = plan(detectionCheckpoint(), loadAll(),
        Options.defaults().withExpectedVersion(CheckpointVersion.V2));
    assertThat(plan.warnings()).singleElement().asString()
        .contains("fine_tune_checkpoint_version is V2")
        .contains("TF1 name-based checkpoint")
        .contains("Set fine_tune_checkpoint_version: V1");
    assertThat(plan.restoredCount()).isEqualTo(2);
  }

  @Test
  void canonicalDtypeNamesAgreeAcrossSpellings() {
    assertThat(RestorePlan.canonicalDtype("float")).isEqualTo("float32");
    assertThat(RestorePlan.canonicalDtype("TFloat32")).isEqualTo("float32");
    assertThat(RestorePlan.canonicalDtype("double")).isEqualTo("float64");
    assertThat(RestorePlan.canonicalDtype("half")).isEqualTo("float16");
    assertThat(RestorePlan.canonicalDtype("int64")).isEqualTo("int64");
    assertThat(RestorePlan.canonicalDtype("TInt64")).isEqualTo("int64");
    assertThat(RestorePlan.canonicalDtype("TString")).isEqualTo("string");
  }

  @Test
  void familiesFoldNumberedSiblings() {
    assertThat(RestoreReport.family("BoxPredictor_5/ClassPredictor/biases")).isEqualTo("BoxPredictor_*");
    assertThat(RestoreReport.family("FeatureExtractor/MobilenetV1/Conv2d_0/weights"))
        .isEqualTo("FeatureExtractor");
    assertThat(RestoreReport.family("global_step")).isEqualTo("global_step");
    assertThat(RestoreReport.layer("FeatureExtractor/MobilenetV1/Conv2d_3_pointwise/BatchNorm/gamma"))
        .isEqualTo("Conv2d_3_pointwise");
    assertThat(RestoreReport.pythonList(new long[] {})).isEqualTo("[]");
  }
}
