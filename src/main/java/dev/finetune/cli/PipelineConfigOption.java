package dev.finetune.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --pipeline_config_path FILE}, as model_main.py names it. {@code --pipeline_config} is
 * accepted too, hidden so that usage lines show the API's name.
 */
final class PipelineConfigOption {
  @Option(
      names = "--pipeline_config_path",
      paramLabel = "FILE",
      description = "The pipeline.config (text-format TrainEvalPipelineConfig); alias --pipeline_config.")
  Path path;

  @Option(names = "--pipeline_config", paramLabel = "FILE", hidden = true)
  void alias(Path value) {
    path = value;
  }
}
