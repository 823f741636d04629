package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import dev.finetune.config.ConfigException;

/** Runs training (or, with --checkpoint_dir, evaluation) for {@code finetune} / {@code finetune train}. */
final class TrainRunner {
  private final TrainOptions options;

  TrainRunner(TrainOptions options) {
    this.options = options;
  }

  int run() {
    if (options.pipelineConfigPath == null) {
      throw new ConfigException(
          "missing --pipeline_config_path. Usage: finetune --pipeline_config_path pipeline.config"
              + " --model_dir runs/x (see finetune --help)");
    }
    if (options.modelDir == null) {
      throw new ConfigException("missing --model_dir: the directory where checkpoints are written.");
    }
    throw new FinetuneException(
        ExitCode.INTERNAL,
        "training is not available in this build yet: the trainer has not landed."
            + " 'finetune validate_config' checks the config.");
  }
}
