package dev.finetune.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The flags of model_main.py / model_main_tf2.py, same names and meaning, plus a few of ours. */
final class TrainOptions {
  @Mixin PipelineConfigOption pipelineConfig;

  @Option(
      names = "--model_dir",
      paramLabel = "DIR",
      description = "Where checkpoints, summaries and logs are written; a checkpoint here means resume.")
  Path modelDir;

  @Option(
      names = "--num_train_steps",
      paramLabel = "N",
      description = "Number of training steps; overrides train_config.num_steps.")
  Integer numTrainSteps;

  @Option(
      names = "--checkpoint_dir",
      paramLabel = "DIR",
      description = "Evaluate the checkpoints in DIR instead of training (as model_main.py).")
  Path checkpointDir;

  @Option(
      names = "--checkpoint_every_n",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Write a checkpoint every N steps (default: ${DEFAULT-VALUE}).")
  int checkpointEveryN;

  @Option(
      names = "--checkpoint_max_to_keep",
      paramLabel = "N",
      defaultValue = "7",
      description = "Keep the newest N checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointMaxToKeep;

  @Option(
      names = "--eval_timeout",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description = "With --checkpoint_dir: stop waiting for a new checkpoint after this many seconds.")
  int evalTimeout;

  @Option(
      names = "--run_once",
      description = "With --checkpoint_dir: evaluate the latest checkpoint once and exit.")
  boolean runOnce;

  @Option(
      names = "--eval_training_data",
      description = "Evaluate on the training data instead of the eval data.")
  boolean evalTrainingData;

  @Option(
      names = "--sample_1_of_n_eval_examples",
      paramLabel = "N",
      defaultValue = "1",
      description = "Evaluate one of every N eval examples.")
  int sample1OfNEvalExamples;

  @Option(
      names = "--sample_1_of_n_eval_on_train_examples",
      paramLabel = "N",
      defaultValue = "5",
      description = "With --eval_training_data: evaluate one of every N training examples.")
  int sample1OfNEvalOnTrainExamples;

  @Option(
      names = "--record_summaries",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Write TensorBoard summaries (default: ${DEFAULT-VALUE}).")
  boolean recordSummaries;

  @Option(
      names = "--set",
      paramLabel = "FIELD=VALUE",
      description = {
        "Override a config field, e.g. --set train_config.batch_size=8,",
        "--set eval_input_reader[0].label_map_path=x.pbtxt. Repeatable."
      })
  List<String> overrides = new ArrayList<>();
}
