package dev.finetune.cli;

import dev.finetune.config.ConfigException;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.export.SavedModelExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finetune export}: a trained checkpoint to a SavedModel, with the flags of the API's
 * {@code exporter_main_v2.py} ({@code --trained_checkpoint_prefix} of the TF1 exporter too).
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Export a trained checkpoint as a SavedModel for serving, like exporter_main_v2.py.",
      "Writes OUT/saved_model (signature serving_default: uint8 input_tensor [1,H,W,3] of any"
          + " size in, detection_boxes, detection_scores, detection_classes, num_detections,"
          + " raw_detection_boxes, raw_detection_scores out), OUT/pipeline.config,"
          + " OUT/label_map.pbtxt and OUT/checkpoint/ckpt-0 (TF1 name-based)."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PipelineConfigOption pipelineConfig;

  @Option(names = "--trained_checkpoint_dir", paramLabel = "DIR",
      description = "The training directory; its latest checkpoint is exported (or a checkpoint prefix).")
  Path checkpointDir;

  @Option(names = "--trained_checkpoint_prefix", paramLabel = "PREFIX",
      description = "A checkpoint prefix such as model_dir/model.ckpt-1200 (the TF1 exporter's flag).")
  Path checkpointPrefix;

  @Option(names = "--output_directory", paramLabel = "DIR", required = true,
      description = "Where to write the export; must not exist unless --overwrite.")
  Path outputDirectory;

  @Option(names = "--overwrite",
      description = "Replace an existing output directory (only once the new export is complete).")
  boolean overwrite;

  @Option(names = "--input_type", paramLabel = "TYPE", defaultValue = "image_tensor",
      description = "Only image_tensor (uint8 images), the API's default.")
  String inputType;

  @Option(names = "--set", paramLabel = "FIELD=VALUE",
      description = "Override a config field (repeatable), as for training.")
  List<String> overrides = new ArrayList<>();

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws IOException {
    if (pipelineConfig.path == null) {
      throw new ConfigException("export needs --pipeline_config_path FILE (the training run's"
          + " model_dir/pipeline.config)");
    }
    if ((checkpointDir == null) == (checkpointPrefix == null)) {
      throw new ConfigException("export needs exactly one of --trained_checkpoint_dir DIR and"
          + " --trained_checkpoint_prefix PREFIX");
    }
    if (!inputType.equals("image_tensor")) {
      throw new ConfigException("--input_type " + inputType + " is not supported; only image_tensor"
          + " (a uint8 [1,H,W,3] input_tensor). Decode images before calling the model.");
    }
    PipelineConfig config =
        PipelineConfigLoader.load(pipelineConfig.path, overrides, null).requireValid();
    Path checkpoint = checkpointDir != null ? checkpointDir : checkpointPrefix;
    SavedModelExporter.Result r = SavedModelExporter.export(
        config.proto(), pipelineConfig.path.toString(), checkpoint, outputDirectory, overwrite);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Exported %s%s: %d variables%s%n", r.checkpoint(),
        r.globalStep().map(s -> " (step " + s + ")").orElse(""), r.variables(),
        r.movingAveragesRequested()
            ? ", moving averages used (use_moving_average is true): " + r.fromMovingAverages()
                + " values from their ExponentialMovingAverage shadow, "
                + (r.variables() - r.fromMovingAverages()) + " without one taken as they are"
            : "");
    out.printf("SavedModel: %s (serving_default: uint8 input_tensor [1,H,W,3], resized inside to"
        + " %dx%d)%n", r.outputDirectory().resolve(SavedModelExporter.SAVED_MODEL_DIR),
        r.imageHeight(), r.imageWidth());
    out.printf("Also: %s, %s%s%n", r.outputDirectory().resolve(SavedModelExporter.PIPELINE_CONFIG),
        r.outputDirectory().resolve(SavedModelExporter.CHECKPOINT_DIR)
            .resolve(SavedModelExporter.CHECKPOINT_NAME),
        r.labelMap().map(m -> ", " + r.outputDirectory().resolve(SavedModelExporter.LABEL_MAP)
            + " (from " + m + ")").orElse(" (no label map: the config names none that exists)"));
    out.flush();
    return 0;
  }
}
