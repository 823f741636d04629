package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.checkpoint.CheckpointLocator;
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
import dev.finetune.proto.TrainEvalPipelineConfig;
import dev.finetune.train.StopSignal;
import dev.finetune.train.TrainSettings;
import dev.finetune.train.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.proto.Example;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code finetune demo}: the embedded default, end to end. Makes the synthetic dataset and a
 * starting checkpoint, writes the pipeline config that points at them, fine-tunes (resuming when a
 * previous demo was interrupted), exports a SavedModel and draws its detections on evaluation
 * images.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Try finetune end to end on a synthetic dataset, with nothing to download.",
      "Makes demo data and a starting checkpoint in --dir, writes the embedded"
          + " configs/ssd_mobilenet_v1_demo.config there as pipeline.config, trains it (run again"
          + " after Ctrl-C: it resumes), exports a SavedModel and draws detections on evaluation"
          + " images."
    })
final class DemoCommand implements Callable<Integer> {
  static final String CONFIG_RESOURCE = "/configs/ssd_mobilenet_v1_demo.config";
  /** The folder the embedded config's relative paths name. */
  static final String CONFIG_DIR = "finetune-demo";

  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = CONFIG_DIR,
      description = "Where the demo data, checkpoint and config go (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--num_train", paramLabel = "N", defaultValue = "200",
      description = "Synthetic training images (default: ${DEFAULT-VALUE}).")
  int numTrain;

  @Option(names = "--num_eval", paramLabel = "N", defaultValue = "16",
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
          + String.join(", ", DemoDataset.CLASSES) + " in " + data);
      DemoDataset.write(data, numTrain, numEval, 320, 320, seed);
      writeStartingCheckpoint(proto, checkpoint);
      out.println("2. Starting checkpoint (freshly initialized weights, the API's TF1 names): "
          + checkpoint);
    }
    // Loaded again: the files it names exist now, and training insists on them.
    Preflight.requireRunnable(PipelineConfigLoader.load(configFile, overrides, numTrainSteps));
    out.println("3. Pipeline config " + configFile + " (from configs/ssd_mobilenet_v1_demo.config):");
    ConfigSummary.lines(proto).forEach(out::println);

    out.println("4. Training in " + runDir + (resuming ? " (resuming)" : "") + "; progress below,"
        + " Ctrl-C stops after a checkpoint and running demo again resumes:");
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
      Map<String, Double> before = evaluator.evaluate(checkpoint, 0).metrics();
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
      new InferenceRunner(detector, DemoDataset.labelMap(), 0.3f).run(sample, drawn);
    }
    out.println("7. Detections on " + sample.size() + " evaluation images (score >= 0.3), drawn in " + drawn);
    out.println();
    out.println("Look at: " + drawn + "/*.png; the losses with: tensorboard --logdir " + runDir);
    out.println("Fine-tune on your own data: finetune create_tfrecord --from csv|voc|coco ..., then"
        + " finetune --pipeline_config_path YOUR.config --model_dir runs/x (see README.md)");
    return 0;
  }

  /** A freshly initialized model saved as the demo's fine-tune checkpoint (the API's TF1 names). */
  private void writeStartingCheckpoint(TrainEvalPipelineConfig proto, Path checkpoint) throws IOException {
    try (Graph graph = new Graph()) {
      Detector model = ModelBuilder.build(proto.getModel(), graph, 1, seed, BuildMode.INFERENCE);
      try (Session session = new Session(graph)) {
        Session.Runner init = session.runner();
        model.initializers().forEach(init::addTarget);
        init.run();
        Files.createDirectories(checkpoint.getParent());
        session.save(checkpoint.toString());
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
