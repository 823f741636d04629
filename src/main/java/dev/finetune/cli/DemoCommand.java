package dev.finetune.cli;

import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.TensorEntry;
import dev.finetune.config.ConfigSummary;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.pipeline.InputPipeline;
import dev.finetune.data.pipeline.InputReaders;
import dev.finetune.data.tools.DemoDataset;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.preflight.Preflight;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code finetune demo}: the embedded default, end to end on what exists today. Makes the synthetic
 * dataset and a starting checkpoint, writes the pipeline config that points at them, checks it,
 * builds the SSD MobileNet V1 graph, and runs one real batch through augmentation, the model, its
 * losses and post-processing. Training itself arrives with the trainer.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Try finetune end to end on a synthetic dataset, with nothing to download.",
      "Makes demo data and a starting checkpoint in --dir, writes the embedded"
          + " configs/ssd_mobilenet_v1_demo.config there as pipeline.config, checks it, builds the"
          + " model and runs one augmented batch through it, printing its losses and detections."
    })
final class DemoCommand implements Callable<Integer> {
  static final String CONFIG_RESOURCE = "/configs/ssd_mobilenet_v1_demo.config";
  /** The folder the embedded config's relative paths name. */
  static final String CONFIG_DIR = "finetune-demo";

  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = CONFIG_DIR,
      description = "Where the demo data, checkpoint and config go (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--num_train", paramLabel = "N", defaultValue = "64",
      description = "Synthetic training images (default: ${DEFAULT-VALUE}).")
  int numTrain;

  @Option(names = "--num_eval", paramLabel = "N", defaultValue = "16",
      description = "Synthetic evaluation images (default: ${DEFAULT-VALUE}).")
  int numEval;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "Seed for data, weights and augmentation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path root = dir.toAbsolutePath().normalize();
    Path data = root.resolve("data");
    out.println("1. Demo data: " + numTrain + " training and " + numEval + " evaluation images of "
        + String.join(", ", DemoDataset.CLASSES) + " in " + data);
    DemoDataset.write(data, numTrain, numEval, 320, 320, seed);

    Path configFile = root.resolve("pipeline.config");
    Files.writeString(configFile, embeddedConfig(root), StandardCharsets.UTF_8);
    PipelineConfig config = PipelineConfigLoader.load(configFile, List.of(), null).requireValid();
    TrainEvalPipelineConfig proto = config.proto();
    int batchSize = proto.getTrainConfig().getBatchSize();

    try (Graph graph = new Graph()) {
      Detector model = ModelBuilder.build(proto.getModel(), graph, batchSize, seed);
      try (Session session = new Session(graph)) {
        Session.Runner init = session.runner();
        model.initializers().forEach(init::addTarget);
        init.run();
        Path checkpoint = root.resolve("pretrained").resolve("model.ckpt");
        Files.createDirectories(checkpoint.getParent());
        session.save(checkpoint.toString());
        out.println("2. Starting checkpoint (freshly initialized weights, the API's TF1 names): "
            + checkpoint + describeCheckpoint(checkpoint, model));

        // Loaded again: the files it names exist now, and training will insist on them.
        Preflight.requireRunnable(PipelineConfigLoader.load(configFile, List.of(), null));
        out.println("3. Pipeline config " + configFile + " (from configs/ssd_mobilenet_v1_demo.config):");
        ConfigSummary.lines(proto).forEach(out::println);

        out.println("4. One training batch through augmentation, the model, its losses and detections:");
        runOneBatch(out, proto, model, session);
      }
    }
    out.println();
    out.println("The model, data and config are ready. Training is not in this build yet (the trainer"
        + " issue); when it lands, this trains them:");
    out.println("  finetune --pipeline_config_path " + configFile + " --model_dir " + root.resolve("run"));
    out.println("Meanwhile: finetune describe_model --pipeline_config_path " + configFile
        + ", finetune inspect_records " + data.resolve(DemoDataset.TRAIN) + " --draw "
        + root.resolve("drawn") + ", finetune inspect_checkpoint --file_name "
        + root.resolve("pretrained"));
    return 0;
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

  /** How the checkpoint just written lines up with the model's variables, read back in pure Java. */
  private static String describeCheckpoint(Path prefix, Detector model) {
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      Map<String, TensorEntry> byName = new HashMap<>();
      reader.entries().forEach(e -> byName.put(e.name(), e));
      long matching = model.variables().stream().filter(v -> sameShape(byName.get(v.name()), v)).count();
      return String.format(Locale.ROOT, "%n   %d tensors; %d of %d model variables present with"
          + " their shapes", byName.size(), matching, model.variables().size());
    }
  }

  private static boolean sameShape(TensorEntry entry, ModelVariable variable) {
    return entry != null && java.util.Arrays.equals(entry.shape(), variable.shape());
  }

  private void runOneBatch(
      PrintWriter out, TrainEvalPipelineConfig proto, Detector model, Session session) {
    try (InputPipeline input = InputReaders.forTraining(
            proto, model.batchSize(), false, Runtime.getRuntime().availableProcessors())
        .seed(seed)
        .open()) {
      DetectionBatch batch = input.next();
      int boxes = 0;
      for (int n : batch.numBoxes()) {
        boxes += n;
      }
      out.printf(Locale.ROOT, "   batch of %d images %dx%d with %d boxes%n",
          batch.batchSize(), batch.height(), batch.width(), boxes);
      Map<String, Operand<TFloat32>> losses = model.losses();
      Operand<TFloat32> numDetections = model.detections().get("num_detections");
      Operand<TFloat32> scores = model.detections().get("detection_scores");
      try (Detector.Feed feed = model.feed(batch)) {
        Session.Runner runner = feed.into(session.runner());
        losses.values().forEach(runner::fetch);
        runner.fetch(numDetections).fetch(scores);
        try (Result result = runner.run()) {
          int i = 0;
          for (String name : losses.keySet()) {
            out.printf(Locale.ROOT, "   %-28s %.5f%n", name, ((TFloat32) result.get(i++)).getFloat());
          }
          TFloat32 num = (TFloat32) result.get(i++);
          TFloat32 top = (TFloat32) result.get(i);
          out.printf(Locale.ROOT, "   detections on image 0: %.0f (best score %.3f, untrained)%n",
              num.getFloat(0), top.getFloat(0, 0));
        }
      }
    }
  }
}
