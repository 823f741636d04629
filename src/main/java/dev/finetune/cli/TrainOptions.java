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
      names = "--best_metric",
      paramLabel = "NAME",
      description = "Keep a copy of the best checkpoint by this metric (higher is better) in"
          + " model_dir/best/ (default: DetectionBoxes_Precision/mAP, or the Pascal mAP when only"
          + " pascal_voc_detection_metrics are computed).")
  String bestMetric;

  @Option(
      names = "--eval_every_n",
      paramLabel = "N",
      defaultValue = "0",
      description = "While training, evaluate the newest checkpoint every N steps and at the end, in"
          + " this process; make N a multiple of --checkpoint_every_n. 0: off (default: ${DEFAULT-VALUE}).")
  int evalEveryN;

  @Option(
      names = "--record_summaries",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description = "Write TensorBoard summaries (default: ${DEFAULT-VALUE}).")
  boolean recordSummaries;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seeds initializers, shuffling and augmentation of a new run; a resumed run keeps"
          + " its own (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--log_every_n",
      paramLabel = "N",
      defaultValue = "100",
      description = "Log losses, append to metrics.jsonl and write summaries every N steps"
          + " (default: ${DEFAULT-VALUE}).")
  int logEveryN;

  @Option(
      names = "--intra_op_threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "TensorFlow threads inside one op; 0 lets TensorFlow choose (default: ${DEFAULT-VALUE}).")
  int intraOpThreads;

  @Option(
      names = "--inter_op_threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "TensorFlow ops run in parallel; 0 lets TensorFlow choose (default: ${DEFAULT-VALUE}).")
  int interOpThreads;

  @Option(
      names = "--input_threads",
      paramLabel = "N",
      description = "Threads decoding and augmenting input (default: the number of cores).")
  Integer inputThreads;

  @Option(
      names = "--device",
      paramLabel = "cpu|gpu",
      defaultValue = "cpu",
      description = "cpu, or gpu with the GPU build (-Pgpu); ops without a GPU kernel stay on the"
          + " CPU (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--skip_corrupt_records",
      description = "Skip damaged records (counted and reported) instead of stopping.")
  boolean skipCorruptRecords;

  @Option(
      names = "--dry_run",
      description = "Print the config summary, the restore plan and the trainable set, then exit"
          + " without training or writing anything.")
  boolean dryRun;

  @Option(
      names = "--allow_empty_restore",
      description = "Train even when nothing in fine_tune_checkpoint matches the model.")
  boolean allowEmptyRestore;

  @Option(
      names = "--force",
      description = "Resume even though the model part of the config changed since the run began.")
  boolean force;

  @Option(
      names = "--set",
      paramLabel = "FIELD=VALUE",
      description = {
        "Override a config field, e.g. --set train_config.batch_size=8,",
        "--set eval_input_reader[0].label_map_path=x.pbtxt. Repeatable."
      })
  List<String> overrides = new ArrayList<>();
}
