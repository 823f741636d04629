package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import dev.finetune.config.ConfigException;
import dev.finetune.config.ConfigSummary;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.eval.BestCheckpoint;
import dev.finetune.eval.CheckpointEvaluator;
import dev.finetune.eval.EvalSettings;
import dev.finetune.eval.EvaluationLoop;
import dev.finetune.preflight.Preflight;
import dev.finetune.train.StopSignal;
import dev.finetune.train.TrainSettings;
import dev.finetune.train.TrainingRun;
import dev.finetune.util.StartupTimeline;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;

/** Runs training (or, with --checkpoint_dir, evaluation) for {@code finetune} / {@code finetune train}. */
final class TrainRunner {
  private static final Logger log = LoggerFactory.getLogger(TrainRunner.class);

  private final TrainOptions options;

  TrainRunner(TrainOptions options) {
    this.options = options;
  }

  int run() {
    StartupTimeline.begin();
    if (options.checkpointDir == null && !options.dryRun) {
      loadTensorFlowInBackground();
    }
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
    StartupTimeline.done("config (read, overrides, checks)");
    requireAtLeast(1, options.logEveryN, "--log_every_n");
    requireAtLeast(0, options.intraOpThreads, "--intra_op_threads");
    requireAtLeast(0, options.interOpThreads, "--inter_op_threads");
    requireAtLeast(0, options.evalEveryN, "--eval_every_n");
    int cores = Runtime.getRuntime().availableProcessors();
    int inputThreads = options.inputThreads == null ? cores : options.inputThreads;
    requireAtLeast(1, inputThreads, "--input_threads");
    if (options.checkpointDir != null) {
      return evaluate(config, evalSettings(inputThreads));
    }
    String device = options.device.toLowerCase(java.util.Locale.ROOT);
    if (!device.equals("cpu") && !device.equals("gpu")) {
      throw new ConfigException("--device: '" + options.device + "' is not cpu or gpu");
    }
    if (options.evalEveryN > 0 && options.evalEveryN % options.checkpointEveryN != 0) {
      log.warn("--eval_every_n {} is not a multiple of --checkpoint_every_n {}: each evaluation takes"
          + " the newest checkpoint saved by then", options.evalEveryN, options.checkpointEveryN);
    }
    TrainSettings settings = new TrainSettings(
        options.modelDir, options.checkpointEveryN, options.checkpointMaxToKeep, options.logEveryN,
        options.seed, options.intraOpThreads, options.interOpThreads, inputThreads,
        device.equals("gpu"), options.skipCorruptRecords, options.recordSummaries, options.dryRun,
        options.force, options.allowEmptyRestore, options.evalEveryN,
        options.evalEveryN > 0 ? evalSettings(inputThreads) : null);
    PrintStream terminal = System.console() != null ? System.out : null;
    return new TrainingRun(config, settings, terminal, StopSignal.onSignals()).run().code();
  }

  /**
   * Loads TensorFlow's native library (~1 s) on another thread while this one reads and checks the
   * config; the first TensorFlow call on this thread waits for it (class initialization).
   */
  private static void loadTensorFlowInBackground() {
    Thread loader = new Thread(() -> {
      long start = System.nanoTime();
      try {
        TensorFlow.version();
        StartupTimeline.overlapped("TensorFlow native library load", System.nanoTime() - start);
      } catch (Throwable e) { // reported again, with context, where TensorFlow is first used
        log.debug("loading TensorFlow in the background failed: {}", e.toString());
      }
    }, "tensorflow-loader");
    loader.setDaemon(true);
    loader.start();
  }

  private EvalSettings evalSettings(int inputThreads) {
    return new EvalSettings(options.modelDir.toAbsolutePath().normalize(), options.evalTrainingData,
        options.evalTrainingData ? options.sample1OfNEvalOnTrainExamples : options.sample1OfNEvalExamples,
        inputThreads, options.intraOpThreads, options.interOpThreads, options.bestMetric);
  }

  /** model_main.py with --checkpoint_dir: evaluate checkpoints instead of training. */
  private int evaluate(PipelineConfig config, EvalSettings settings) {
    Duration timeout = Duration.ofSeconds(options.evalTimeout);
    EvaluationLoop.Options loop = new EvaluationLoop.Options(options.checkpointDir,
        config.proto().getTrainConfig().getNumSteps(), options.runOnce, timeout,
        EvaluationLoop.Options.defaultPoll(timeout));
    StopSignal stop = StopSignal.onSignals();
    try (CheckpointEvaluator evaluator = new CheckpointEvaluator(config.proto(), settings)) {
      EvaluationLoop.Outcome outcome = new EvaluationLoop(evaluator,
          new BestCheckpoint(settings.modelDir(), settings.bestMetric()), loop, stop::requested).run();
      return (outcome.end() == EvaluationLoop.End.STOPPED ? ExitCode.INTERRUPTED : ExitCode.OK).code();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCode.INTERRUPTED.code();
    }
  }

  private static void requireAtLeast(int min, int value, String flag) {
    if (value < min) {
      throw new ConfigException(flag + " must be at least " + min + ", got " + value);
    }
  }
}
