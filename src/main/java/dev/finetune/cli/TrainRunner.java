package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import dev.finetune.config.ConfigException;
import dev.finetune.config.ConfigSummary;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.preflight.Preflight;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs training (or, with --checkpoint_dir, evaluation) for {@code finetune} / {@code finetune train}. */
final class TrainRunner {
  private static final Logger log = LoggerFactory.getLogger(TrainRunner.class);

  private final TrainOptions options;

  TrainRunner(TrainOptions options) {
    this.options = options;
  }

  int run() {
    if (options.pipelineConfig.path == null) {
      throw new ConfigException(
          "missing --pipeline_config_path. Usage: finetune --pipeline_config_path pipeline.config"
              + " --model_dir runs/x (see finetune --help)");
    }
    if (options.modelDir == null) {
      throw new ConfigException("missing --model_dir: the directory where checkpoints are written.");
    }
    requireAtLeast(1, options.checkpointEveryN, "--checkpoint_every_n");
    requireAtLeast(1, options.checkpointMaxToKeep, "--checkpoint_max_to_keep");
    requireAtLeast(1, options.sample1OfNEvalExamples, "--sample_1_of_n_eval_examples");
    requireAtLeast(1, options.sample1OfNEvalOnTrainExamples, "--sample_1_of_n_eval_on_train_examples");
    requireAtLeast(0, options.evalTimeout, "--eval_timeout");
    PipelineConfig config = Preflight.requireRunnable(
        PipelineConfigLoader.load(options.pipelineConfig.path, options.overrides, options.numTrainSteps));
    config.warnings().forEach(w -> log.warn("{}: {}", config.source(), w));
    List<String> unsupported = SupportCheck.unsupported(config.proto());
    if (!unsupported.isEmpty()) {
      throw new ConfigException(config.source() + " uses what finetune does not support yet:\n  "
          + String.join("\n  ", unsupported));
    }
    log.info("Pipeline config {}:\n{}", config.source(),
        String.join("\n", ConfigSummary.lines(config.proto())));
    String what = options.checkpointDir != null ? "evaluation (--checkpoint_dir)" : "training";
    throw new FinetuneException(
        ExitCode.INTERNAL,
        what + " is not available in this build yet: the config above is valid, but the trainer"
            + " and evaluator have not landed. Available now: demo, validate_config, describe_model,"
            + " inspect_checkpoint, inspect_records, create_tfrecord, make_demo_data.");
  }

  private static void requireAtLeast(int min, int value, String flag) {
    if (value < min) {
      throw new ConfigException(flag + " must be at least " + min + ", got " + value);
    }
  }
}
