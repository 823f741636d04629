package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.checkpoint.CheckpointLocator;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.RestoreLoader;
import dev.finetune.checkpoint.RestorePlan;
import dev.finetune.config.ConfigSummary;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.data.example.ExampleKeys;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.tfrecord.TfRecord;
import dev.finetune.data.tfrecord.TfRecordReader;
import dev.finetune.data.tools.DemoDataset;
import dev.finetune.eval.CheckpointEvaluator;
import dev.finetune.eval.EvalSettings;
import dev.finetune.export.InferenceRunner;
import dev.finetune.export.SavedModelDetector;
import dev.finetune.export.SavedModelExporter;
import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.preflight.Preflight;
import dev.finetune.proto.TrainConfig;
import dev.finetune.proto.TrainEvalPipelineConfig;
import dev.finetune.train.FineTuneStart;
import dev.finetune.train.StopSignal;
import dev.finetune.train.TrainSettings;
import dev.finetune.train.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.proto.Example;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code finetune demo}: the embedded default, end to end. Makes the synthetic fine-tuning dataset
 * (task B), copies the shipped starting checkpoint (trained by finetune on task A, see
 * scripts/make_demo_checkpoint.sh), writes the pipeline config that points at them, fine-tunes
 * (resuming when a previous demo was interrupted), evaluates before and after, exports a
 * SavedModel and draws its detections on evaluation images.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Try finetune end to end on a synthetic dataset, with nothing to download.",
      "Makes demo data (circle, triangle, star, cross) in --dir, copies the shipped starting"
          + " checkpoint there (trained by finetune on circle, square, triangle), writes the embedded"
          + " configs/ssd_mobilenet_v1_demo.config there as pipeline.config, fine-tunes it (run again"
          + " after Ctrl-C: it resumes), evaluates before and after, exports a SavedModel and draws"
          + " detections on evaluation images."
    })
final class DemoCommand implements Callable<Integer> {
  static final String CONFIG_RESOURCE = "/configs/ssd_mobilenet_v1_demo.config";
  /** The starting checkpoint scripts/make_demo_checkpoint.sh writes: model variables only. */
  static final String PRETRAINED_RESOURCE = "/demo/pretrained/model.ckpt";
  static final List<String> CHECKPOINT_SUFFIXES = List.of(".index", ".data-00000-of-00001");
  static final DemoDataset.Task TASK = DemoDataset.Task.FINETUNE;
  /** The folder the embedded config's relative paths name. */
  static final String CONFIG_DIR = "finetune-demo";

  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = CONFIG_DIR,
      description = "Where the demo data, checkpoint and config go (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--num_train", paramLabel = "N", defaultValue = "200",
      description = "Synthetic training images (default: ${DEFAULT-VALUE}).")
  int numTrain;

  @Option(names = "--num_eval", paramLabel = "N", defaultValue = "50",
      description = "Synthetic evaluation images (default: ${DEFAULT-VALUE}).")
  int numEval;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Seed for data, weights and augmentation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--num_train_steps", paramLabel = "N",
      description = "Train N steps instead of the config's num_steps.")
  Integer numTrainSteps;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path root = dir.toAbsolutePath().normalize();
    Path data = root.resolve("data");
    Path runDir = root.resolve("run");
    Path checkpoint = root.resolve("pretrained").resolve("model.ckpt");
    boolean resuming = CheckpointLocator.latestCheckpoint(runDir).isPresent();
    Path configFile = root.resolve("pipeline.config");
    Files.createDirectories(root);
    Files.writeString(configFile, embeddedConfig(root), StandardCharsets.UTF_8);
    List<String> overrides = List.of();
    PipelineConfig config = PipelineConfigLoader.load(configFile, overrides, numTrainSteps).requireValid();
    TrainEvalPipelineConfig proto = config.proto();

    if (resuming) {
      out.println("1-2. Demo data and starting checkpoint: kept from the interrupted run in " + root);
    } else {
      out.println("1. Demo data: " + numTrain + " training and " + numEval + " evaluation images of "
          + String.join(", ", TASK.classes()) + " in " + data);
      DemoDataset.write(data, TASK, numTrain, numEval, 320, 320, seed);
      copyPretrained(checkpoint);
      out.println("2. Starting checkpoint " + checkpoint + ": this SSD MobileNet V1 trained by finetune on "
          + String.join(", ", DemoDataset.Task.PRETRAIN.classes())
          + " (scripts/make_demo_checkpoint.sh); its backbone and box encoders restore, its 3-class heads"
          + " do not fit the 4 classes here and start anew");
    }
    // Loaded again: the files it names exist now, and training insists on them.
    Preflight.requireRunnable(PipelineConfigLoader.load(configFile, overrides, numTrainSteps));
    out.println("3. Pipeline config " + configFile + " (from configs/ssd_mobilenet_v1_demo.config):");
    ConfigSummary.lines(proto).forEach(out::println);

    out.println("4. Fine-tuning in " + runDir
        + (resuming ? " (resuming from " + CheckpointLocator.latestCheckpoint(runDir).orElseThrow().getFileName() + ")" : "")
        + "; progress below, Ctrl-C stops after a checkpoint and running demo again resumes:");
    out.flush();
    int cores = Runtime.getRuntime().availableProcessors();
    TrainSettings settings = new TrainSettings(
        runDir, 100, 3, 50, seed, 0, 0, cores, false, false, true, false, false, false);
    ExitCode trained = new TrainingRun(config, settings, System.console() != null ? System.out : null,
        StopSignal.onSignals()).run();
    if (trained != ExitCode.OK) {
      out.println("Stopped. Run the same command again to resume: finetune demo --dir " + root);
      return trained.code();
    }

    out.println("5. Evaluation on the " + numEval + " evaluation images, before and after fine-tuning:");
    out.flush();
    Path latest = CheckpointLocator.latestCheckpoint(runDir).orElseThrow();
    try (CheckpointEvaluator evaluator = new CheckpointEvaluator(proto,
        new EvalSettings(runDir, false, 0, cores, 0, 0, null))) {
      Path start = root.resolve("start").resolve("model.ckpt");
      writeStartingPoint(proto, start);
      Map<String, Double> before = evaluator.evaluate(start, 0).metrics();
      Map<String, Double> after = evaluator.evaluate(latest).metrics();
      for (String metric : List.of("DetectionBoxes_Precision/mAP", "DetectionBoxes_Precision/mAP@.50IOU",
          "DetectionBoxes_Recall/AR@100")) {
        out.printf(Locale.ROOT, "   %-38s before %.3f   after %.3f%n", metric,
            before.getOrDefault(metric, Double.NaN), after.getOrDefault(metric, Double.NaN));
      }
    }

    Path exported = root.resolve("exported");
    out.println("6. Export: a SavedModel in " + exported);
    SavedModelExporter.export(proto, configFile.getFileName().toString(), runDir, exported, true);

    Path images = root.resolve("eval_images");
    Path drawn = root.resolve("detections");
    List<Path> sample = writeEvalImages(data.resolve(DemoDataset.EVAL), images, 6);
    try (SavedModelDetector detector = SavedModelDetector.load(exported)) {
      new InferenceRunner(detector, TASK.labelMap(), 0.3f).run(sample, drawn);
    }
    out.println("7. Detections on " + sample.size() + " evaluation images (score >= 0.3), drawn in " + drawn);
    out.println();
    out.println("Look at: " + drawn + "/*.png (the fine-tuned model's boxes); the losses, and the"
        + " evaluation images before and after side by side: tensorboard --logdir " + runDir);
    out.println("Fine-tune on your own data: finetune create_tfrecord --from csv|voc|coco ..., then"
        + " finetune --pipeline_config_path YOUR.config --model_dir runs/x (see README.md)");
    return 0;
  }

  /** The shipped starting checkpoint, copied out of the jar to {@code checkpoint}'s files. */
  private static void copyPretrained(Path checkpoint) throws IOException {
    Files.createDirectories(checkpoint.getParent());
    for (String suffix : CHECKPOINT_SUFFIXES) {
      try (InputStream in = DemoCommand.class.getResourceAsStream(PRETRAINED_RESOURCE + suffix)) {
        if (in == null) {
          throw new IllegalStateException(PRETRAINED_RESOURCE + suffix + " is missing from the build"
              + " (scripts/make_demo_checkpoint.sh writes it)");
        }
        Files.copy(in, Path.of(checkpoint + suffix), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /**
   * Where fine-tuning starts, saved to evaluate "before": the model of the config with what the
   * restore plan takes from the fine-tune checkpoint (backbone, box encoders), the rest (the class
   * heads) as initialized.
   */
  private void writeStartingPoint(TrainEvalPipelineConfig proto, Path prefix) {
    TrainConfig train = proto.getTrainConfig();
    try (Graph graph = new Graph();
        CheckpointReader reader = CheckpointReader.open(Path.of(train.getFineTuneCheckpoint()))) {
      Detector model = ModelBuilder.build(proto.getModel(), graph, 1, seed, BuildMode.INFERENCE);
      RestorePlan plan = FineTuneStart.planFor(model, train, reader);
      Map<String, Operand<?>> targets = new LinkedHashMap<>();
      model.variables().forEach(v -> targets.put(v.name(), v.variable()));
      RestoreLoader loader = RestoreLoader.build(graph, plan, targets);
      try (Session session = new Session(graph)) {
        Session.Runner init = session.runner();
        model.initializers().forEach(init::addTarget);
        init.run();
        loader.load(session, reader);
        Files.createDirectories(prefix.getParent());
        session.save(prefix.toString());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** The first {@code count} images of a record file, as image files infer can read. */
  private static List<Path> writeEvalImages(Path record, Path dir, int count) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    try (TfRecordReader reader = TfRecordReader.open(record)) {
      for (TfRecord r = reader.next(); r != null && files.size() < count; r = reader.next()) {
        var features = Example.parseFrom(r.data()).getFeatures().getFeatureMap();
        byte[] image = features.get(ExampleKeys.ENCODED).getBytesList().getValue(0).toByteArray();
        Path file = dir.resolve(String.format(Locale.ROOT, "eval_%02d.%s", files.size(),
            "png".equals(ImageCodec.sniffFormat(image)) ? "png" : "jpg"));
        Files.write(file, image);
        files.add(file);
      }
    }
    return files;
  }

  /** The embedded config with its {@code finetune-demo/} paths pointed at {@code root}. */
  private static String embeddedConfig(Path root) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream(CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(CONFIG_RESOURCE + " is missing from the build");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replace("\"" + CONFIG_DIR + "/", "\"" + root + "/");
    }
  }
}
