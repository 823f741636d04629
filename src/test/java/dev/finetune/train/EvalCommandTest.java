package dev.finetune.train;

import static dev.finetune.train.TrainTestSupport.config;
import static dev.finetune.train.TrainTestSupport.data;
import static dev.finetune.train.TrainTestSupport.train;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.checkpoint.CheckpointState;
import dev.finetune.cli.CliTestSupport;
import dev.finetune.cli.CliTestSupport.Result;
import dev.finetune.data.tfrecord.TfRecord;
import dev.finetune.data.tfrecord.TfRecordReader;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.pipeline.InputPipeline;
import dev.finetune.data.pipeline.InputReaders;
import dev.finetune.eval.BestCheckpoint;
import dev.finetune.eval.Category;
import dev.finetune.eval.CheckpointEvaluator;
import dev.finetune.eval.CocoDetectionEvaluator;
import dev.finetune.eval.EvalImage;
import dev.finetune.eval.EvalResult;
import dev.finetune.eval.EvalSettings;
import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;
import org.tensorflow.types.TFloat32;

/**
 * {@code finetune --checkpoint_dir} (issue 11's evaluation modes) and {@code --eval_every_n} end to
 * end through the real command line, on the tiny config and a 4-step training run shared by the
 * tests.
 */
class EvalCommandTest {
  @TempDir static Path shared;
  static Path data;
  static Path config;
  /** A training directory with model.ckpt-2 and model.ckpt-4 (num_steps 4). */
  static Path trained;

  @BeforeAll
  static void trainOnce() throws Exception {
    data = data(shared);
    config = config(shared, "eval.config", data, 3, "");
    trained = shared.resolve("trained");
    Result r = run(train(config, trained));
    assertThat(r.exitCode()).as(r.err()).isZero();
  }

  static Result run(String... args) {
    return CliTestSupport.runWithLogs(args);
  }

  static String[] eval(Path modelDir, Path checkpointDir, String... extra) {
    List<String> args = new ArrayList<>(List.of("--pipeline_config_path", config.toString(),
        "--model_dir", modelDir.toString(), "--checkpoint_dir", checkpointDir.toString(),
        "--input_threads", "2"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  static List<JsonObject> metricLines(Path modelDir) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(modelDir.resolve("eval_metrics.jsonl"))) {
      out.add(JsonParser.parseString(line).getAsJsonObject());
    }
    return out;
  }

  static Set<String> summaryTags(Path eventsDir) throws IOException {
    Set<String> tags = new HashSet<>();
    try (Stream<Path> files = Files.list(eventsDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("events.out")).toList()) {
        try (TfRecordReader r = TfRecordReader.open(f)) {
          for (TfRecord rec = r.next(); rec != null; rec = r.next()) {
            for (Summary.Value v : Event.parseFrom(rec.data()).getSummary().getValueList()) {
              tags.add(v.getTag());
            }
          }
        }
      }
    }
    return tags;
  }

  @Test
  void runOnceEvaluatesTheLatestCheckpointAndWritesEveryOutput(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("eval_run");
    Result r = run(eval(out, trained, "--run_once"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("Eval metrics at step 4").contains("+ DetectionBoxes_Precision/mAP: ")
        .contains("+ DetectionBoxes_Recall/AR@100 (large): ");

    List<JsonObject> lines = metricLines(out);
    assertThat(lines).hasSize(1);
    JsonObject m = lines.get(0);
    assertThat(m.get("step").getAsLong()).isEqualTo(4);
    assertThat(m.keySet()).hasSize(13).contains("DetectionBoxes_Precision/mAP@.50IOU");
    for (String k : m.keySet()) {
      double v = m.get(k).getAsDouble();
      if (!k.equals("step")) { // -1 is COCO's "no ground truth in this size range"
        assertThat(v).as(k).isBetween(-1.0, 1.0);
      }
    }

    JsonObject gt = JsonParser.parseString(Files.readString(out.resolve("eval/groundtruth.json"))).getAsJsonObject();
    assertThat(gt.getAsJsonArray("images")).as("the 4 eval images").hasSize(4);
    assertThat(gt.getAsJsonArray("images").get(0).getAsJsonObject().get("width").getAsInt())
        .as("sizes of the original images").isEqualTo(96);
    assertThat(gt.getAsJsonArray("annotations")).isNotEmpty();
    assertThat(gt.getAsJsonArray("categories")).hasSize(3);
    JsonArray dets = JsonParser.parseString(Files.readString(out.resolve("eval/detections-4.json"))).getAsJsonArray();
    assertThat(dets).as("10 detections per image at most (max_total_detections)").isNotEmpty().hasSizeLessThanOrEqualTo(40);
    assertThat(dets.get(0).getAsJsonObject().keySet()).contains("image_id", "category_id", "bbox", "score");

    assertThat(summaryTags(out.resolve("eval")))
        .contains("DetectionBoxes_Precision/mAP", "DetectionBoxes_Recall/AR@1", "eval_side_by_side_0",
            "eval_side_by_side_3")
        .doesNotContain("eval_side_by_side_4");

    Path best = out.resolve(BestCheckpoint.DIR);
    assertThat(best.resolve("model.ckpt-4.index")).exists();
    assertThat(CheckpointState.read(best).orElseThrow().modelCheckpointPath()).isEqualTo("model.ckpt-4");
    JsonObject info = BestCheckpoint.read(best).orElseThrow();
    assertThat(info.get("step").getAsLong()).isEqualTo(4);
    assertThat(info.get("value").getAsDouble()).isEqualTo(m.get("DetectionBoxes_Precision/mAP").getAsDouble());

    // the best copy is itself a checkpoint directory the evaluator reads, with the same numbers
    Path again = dir.resolve("again");
    Result fromBest = run(eval(again, best, "--run_once"));
    assertThat(fromBest.exitCode()).as(fromBest.err()).isZero();
    assertThat(metricLines(again).get(0)).isEqualTo(m);
  }

  @Test
  void continuousModePicksUpNewCheckpointsAndStopsAtNumSteps(@TempDir Path dir) throws Exception {
    Path watched = dir.resolve("watched");
    Files.createDirectories(watched);
    Path out = dir.resolve("eval_run");
    CompletableFuture<Result> evaluation =
        CompletableFuture.supplyAsync(() -> run(eval(out, watched, "--eval_timeout", "60")));
    Thread.sleep(500);
    publish(trained, watched, 2);
    long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(out.resolve("eval_metrics.jsonl")) && System.nanoTime() < waitUntil) {
      Thread.sleep(100);
    }
    publish(trained, watched, 4);
    Result r = evaluation.get(90, TimeUnit.SECONDS);
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("Waiting for checkpoints in " + watched)
        .contains("Evaluated the checkpoint of step 4 (num_steps 4): evaluation done");
    assertThat(metricLines(out)).extracting(o -> o.get("step").getAsLong()).containsExactly(2L, 4L);
  }

  /** Copies checkpoint {@code step} into {@code to}, then names it in the state file, as a trainer does. */
  private static void publish(Path from, Path to, long step) throws IOException {
    String name = "model.ckpt-" + step;
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith(name + ".")).toList()) {
        Files.copy(f, to.resolve(f.getFileName().toString()));
      }
    }
    CheckpointState.of(name, List.of(name)).write(to);
  }

  @Test
  void anEmptyCheckpointDirTimesOutWithAMessage(@TempDir Path dir) throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Result r = run(eval(dir.resolve("out"), empty, "--eval_timeout", "1"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("No new checkpoint in " + empty + " for 1 s (--eval_timeout)")
        .contains("after 0 evaluations");

    Result once = run(eval(dir.resolve("out"), empty, "--run_once"));
    assertThat(once.exitCode()).isEqualTo(4);
    assertThat(once.err()).contains("--run_once: no checkpoint in " + empty);
  }

  @Test
  void aCheckpointOfAnotherModelIsACheckpointErrorNamingWhatDiffers(@TempDir Path dir) throws IOException {
    Path twoClasses = config(dir, "two.config", data, 2, "");
    Result r = run("--pipeline_config_path", twoClasses.toString(), "--model_dir", dir.resolve("out").toString(),
        "--checkpoint_dir", trained.toString(), "--run_once");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(4);
    assertThat(r.err()).contains("does not match the model of the pipeline config")
        .contains("BoxPredictor_0/ClassPredictor/weights: incompatible shape");
  }

  @Test
  void anEvalReaderWithoutRecordsIsADataError(@TempDir Path dir) throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.record"));
    String text = Files.readString(config).replace(data.resolve("eval.record").toString(), empty.toString());
    Path cfg = Files.writeString(dir.resolve("empty.config"), text);
    Result r = run("--pipeline_config_path", cfg.toString(), "--model_dir", dir.resolve("out").toString(),
        "--checkpoint_dir", trained.toString(), "--run_once");
    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).contains("the input files contain no usable records (" + empty + ")");
  }

  @Test
  void evalEveryNEvaluatesDuringTrainingInProcess(@TempDir Path dir) throws IOException {
    Path run = dir.resolve("run");
    Result r = run(train(config, run, "--eval_every_n", "2", "--num_train_steps", "3"));
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(metricLines(run)).as("every 2 steps, and the final checkpoint")
        .extracting(o -> o.get("step").getAsLong()).containsExactly(2L, 3L);
    assertThat(run.resolve("eval/detections-3.json")).exists();
    assertThat(run.resolve("best/best.json")).exists();
    assertThat(summaryTags(run.resolve("eval"))).contains("DetectionBoxes_Precision/mAP");
  }

  @Test
  void theDetectionsGivenToTheMetricsAreTheInferenceGraphsOwn(@TempDir Path dir) throws Exception {
    TrainEvalPipelineConfig proto = PipelineConfigLoader.load(config, List.of(), null).proto();
    Path prefix = trained.resolve("model.ckpt-2");
    EvalResult result;
    try (CheckpointEvaluator evaluator = new CheckpointEvaluator(proto,
        new EvalSettings(dir.resolve("out"), false, 1, 2, 0, 0, null))) {
      result = evaluator.evaluate(prefix);
    }
    assertThat(result.step()).isEqualTo(2);
    assertThat(result.images()).hasSize(4);

    // The same checkpoint and images through a graph of our own, restored by TensorFlow's Saver.
    List<EvalImage.Detections> direct = new ArrayList<>();
    List<DetectionBatch> batches = new ArrayList<>();
    try (Graph g = new Graph()) {
      Detector model = ModelBuilder.build(proto.getModel(), g, 1, 7, BuildMode.INFERENCE);
      try (Session s = new Session(g)) {
        s.restore(prefix.toString());
        try (InputPipeline input = InputReaders.forEvaluation(proto, 0, false, 1, 1, 1).open()) {
          for (DetectionBatch b = input.next(); b != null; b = input.next()) {
            batches.add(b);
            try (Detector.Feed feed = model.imagesFeed(b);
                var r = feed.into(s.runner())
                    .fetch(model.detections().get("detection_boxes"))
                    .fetch(model.detections().get("detection_scores"))
                    .fetch(model.detections().get("detection_classes"))
                    .fetch(model.detections().get("num_detections")).run()) {
              var boxes = (TFloat32) r.get(0);
              var scores = (TFloat32) r.get(1);
              var classes = (TFloat32) r.get(2);
              int n = (int) ((TFloat32) r.get(3)).getFloat(0);
              float[][] bx = new float[n][4];
              float[] sc = new float[n];
              int[] cl = new int[n];
              for (int k = 0; k < n; k++) {
                for (int j = 0; j < 4; j++) {
                  bx[k][j] = boxes.getFloat(0, k, j);
                }
                sc[k] = scores.getFloat(0, k);
                cl[k] = (int) classes.getFloat(0, k);
              }
              direct.add(new EvalImage.Detections(bx, sc, cl));
            }
          }
        }
      }
    }
    assertThat(direct).hasSize(4);
    for (int i = 0; i < 4; i++) {
      EvalImage image = result.images().get(i);
      DetectionBatch b = batches.get(i);
      assertThat(image.id()).isEqualTo(b.sourceIds()[0]);
      assertThat(image.detections().size()).as("image %d", i).isPositive().isEqualTo(direct.get(i).size());
      assertThat(image.detections().boxes()).isDeepEqualTo(direct.get(i).boxes());
      assertThat(image.detections().scores()).containsExactly(direct.get(i).scores());
      assertThat(image.detections().classes()).containsExactly(direct.get(i).classes());
      assertThat(image.groundTruth().size()).isEqualTo(b.numBoxes()[0]);
      assertThat(image.groundTruth().classes()).containsExactly(java.util.Arrays.copyOf(b.classes(), b.numBoxes()[0]));
      assertThat(image.width()).isEqualTo(96);
    }
    // and the metrics are the COCO evaluator's on exactly those images
    CocoDetectionEvaluator coco = new CocoDetectionEvaluator(List.of(
        new Category(1, "circle"), new Category(2, "square"), new Category(3, "triangle")));
    result.images().forEach(coco::add);
    assertThat(coco.evaluate()).isEqualTo(result.metrics());
  }
}
