package dev.finetune.export;

import com.google.protobuf.TextFormat;
import dev.finetune.checkpoint.CheckpointLocator;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.CheckpointState;
import dev.finetune.config.UserPaths;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code finetune export}: a trained checkpoint to a SavedModel as the API's {@code
 * exporter_main_v2.py} writes it, {@code O/saved_model/} (tag {@code serve}, signature {@code
 * serving_default}: uint8 {@code input_tensor} [1,H,W,3] of any size in; {@code detection_boxes},
 * {@code detection_scores}, {@code detection_classes}, {@code num_detections}, {@code
 * raw_detection_boxes}, {@code raw_detection_scores} out), {@code O/pipeline.config}, {@code
 * O/checkpoint/ckpt-0} and, beside them, {@code O/label_map.pbtxt}. The directory appears complete
 * or not at all.
 */
public final class SavedModelExporter {
  private static final Logger LOG = LoggerFactory.getLogger(SavedModelExporter.class);

  public static final String SAVED_MODEL_DIR = "saved_model";
  public static final String CHECKPOINT_DIR = "checkpoint";
  /** The API's TF2 exporter name; the contents are a TF1 name-based checkpoint (see class doc). */
  public static final String CHECKPOINT_NAME = "ckpt-0";
  public static final String PIPELINE_CONFIG = "pipeline.config";
  public static final String LABEL_MAP = "label_map.pbtxt";
  public static final String SERVE_TAG = "serve";

  /** The signature's outputs, in the API's names and order. */
  public static final List<String> OUTPUTS = List.of(
      "detection_boxes", "detection_scores", "detection_classes", "num_detections",
      "raw_detection_boxes", "raw_detection_scores");

  /**
   * What was exported.
   *
   * @param checkpoint the checkpoint prefix read
   * @param globalStep its global_step, when it has one
   * @param variables model variables restored
   * @param fromMovingAverages how many of them from their moving-average shadow
   * @param labelMap the label map copied beside the SavedModel, when the config names a readable one
   */
  public record Result(Path outputDirectory, Path checkpoint, Optional<Long> globalStep,
      int variables, int fromMovingAverages, boolean movingAveragesRequested,
      Optional<Path> labelMap, int imageHeight, int imageWidth) {}

  private SavedModelExporter() {}

  /**
   * Exports.
   *
   * @param config the effective pipeline config (overrides applied)
   * @param configName where it came from, for messages
   * @param checkpoint a checkpoint prefix, one of its files, or a training directory (its latest)
   * @param outputDirectory refused when it exists unless {@code overwrite}
   */
  public static Result export(TrainEvalPipelineConfig config, String configName, Path checkpoint,
      Path outputDirectory, boolean overwrite) throws IOException {
    Path prefix = CheckpointLocator.resolve(checkpoint);
    boolean useMovingAverages = config.getTrainConfig().getOptimizer().getUseMovingAverage();
    try (StagedDirectory out = StagedDirectory.open(outputDirectory, overwrite, "--output_directory");
        CheckpointReader reader = CheckpointReader.open(prefix);
        Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      int[] size = modelSize(config);
      ImageInput input = ImageInput.build(tf, config.getModel().getSsd().getImageResizer(), size[0], size[1]);
      Detector model =
          ModelBuilder.build(config.getModel(), graph, 1, 0, BuildMode.INFERENCE, input.resized());
      ModelRestore restore = ModelRestore.plan(model, reader, useMovingAverages, configName);
      int fromAverages = restore.plan().restoredFromMovingAverages();
      if (useMovingAverages) {
        if (fromAverages == 0) {
          LOG.warn("train_config.optimizer.use_moving_average is true but {} holds no"
              + " ExponentialMovingAverage shadows: exporting the raw values (was it trained with"
              + " another config?)", prefix);
        } else {
          LOG.info("use_moving_average: {} of {} variables exported from their moving average",
              fromAverages, restore.plan().restoredCount());
        }
      }
      Result result;
      try (Session session = new Session(graph)) {
        Session.Runner init = session.runner();
        model.initializers().forEach(init::addTarget);
        init.run().close();
        int restored = restore.load(session, reader);
        SavedModelBundle.exporter(out.staging().resolve(SAVED_MODEL_DIR).toString())
            .withTags(SERVE_TAG)
            .withSession(session)
            .withSignature(signature(input, model.detections()))
            .export();
        Path ckptDir = Files.createDirectories(out.staging().resolve(CHECKPOINT_DIR));
        session.save(ckptDir.resolve(CHECKPOINT_NAME).toString());
        CheckpointState.of(CHECKPOINT_NAME, List.of(CHECKPOINT_NAME)).write(ckptDir);
        Files.writeString(out.staging().resolve(PIPELINE_CONFIG),
            TextFormat.printer().printToString(config), StandardCharsets.UTF_8);
        Optional<Path> labelMap = copyLabelMap(config, out.staging().resolve(LABEL_MAP));
        result = new Result(out.target(), prefix, restore.globalStep(), restored, fromAverages,
            useMovingAverages, labelMap, model.imageHeight(), model.imageWidth());
      }
      out.commit();
      return result;
    }
  }

  private static int[] modelSize(TrainEvalPipelineConfig config) {
    var spec = ModelBuilder.spec(config.getModel()); // ConfigException for unsupported models
    return new int[] {spec.imageHeight(), spec.imageWidth()};
  }

  private static Signature signature(ImageInput input, Map<String, Operand<TFloat32>> detections) {
    Signature.Builder sig = Signature.builder(Signature.DEFAULT_KEY)
        .methodName("tensorflow/serving/predict")
        .input(ImageInput.INPUT_NAME, input.input());
    for (String name : OUTPUTS) {
      Operand<TFloat32> out = detections.get(name);
      if (out == null) {
        throw new IllegalStateException("the model has no output " + name);
      }
      sig.output(name, out);
    }
    return sig.build();
  }

  /**
   * The label map the config names (eval input first, as the API's evaluation reads it, then the
   * train input), copied so that the export is self-contained; a warning when there is none.
   */
  private static Optional<Path> copyLabelMap(TrainEvalPipelineConfig config, Path target)
      throws IOException {
    List<String> candidates = new ArrayList<>();
    config.getEvalInputReaderList().forEach(r -> candidates.add(r.getLabelMapPath()));
    candidates.add(config.getTrainInputReader().getLabelMapPath());
    for (String path : candidates) {
      if (path.isEmpty()) {
        continue;
      }
      Path file = UserPaths.resolve(path);
      if (!Files.isRegularFile(file)) {
        LOG.warn("label map {} not found; the export will name classes by id unless infer gets"
            + " --label_map", file);
        continue;
      }
      LabelMapFile.load(file); // refuses a label map that does not parse
      Files.copy(file, target);
      return Optional.of(file);
    }
    LOG.warn("the config names no readable label map; infer will name classes by id (or pass"
        + " --label_map)");
    return Optional.empty();
  }
}
