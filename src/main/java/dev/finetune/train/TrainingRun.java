package dev.finetune.train;

import com.google.protobuf.TextFormat;
import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.checkpoint.CheckpointLocator;
import dev.finetune.checkpoint.CheckpointManager;
import dev.finetune.config.ConfigDiff;
import dev.finetune.config.ConfigException;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.data.pipeline.InputPipeline;
import dev.finetune.data.pipeline.InputReaders;
import dev.finetune.data.pipeline.PipelinePosition;
import dev.finetune.model.Detector;
import dev.finetune.model.ModelVariable;
import dev.finetune.proto.TrainConfig;
import dev.finetune.proto.TrainEvalPipelineConfig;
import dev.finetune.summary.EventFileWriter;
import dev.finetune.train.TrainHook.StopReason;
import dev.finetune.util.AtomicFiles;
import dev.finetune.util.StartupTimeline;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.ConfigProto;

/**
 * One {@code finetune train}: decides between resuming from {@code model_dir} and fine-tuning from
 * {@code fine_tune_checkpoint}, builds the complete training graph, restores, trains with the
 * hooks, and says what it did at each stage.
 */
public final class TrainingRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
  static final String EFFECTIVE_CONFIG = "pipeline.config";
  static final String RESTORE_REPORT = "restore_report.json";
  static final String METRICS = "metrics.jsonl";

  private final PipelineConfig config;
  private final TrainSettings settings;
  private final PrintStream terminal;
  private final StopSignal stop;

  /**
   * @param terminal where the in-place progress line goes (null when output is not a terminal)
   */
  public TrainingRun(PipelineConfig config, TrainSettings settings, PrintStream terminal, StopSignal stop) {
    this.config = config;
    this.settings = settings;
    this.terminal = terminal;
    this.stop = stop;
  }

  /** Trains; returns OK when num_steps is reached (or was already), INTERRUPTED after a signal. */
  public ExitCode run() {
    TrainEvalPipelineConfig proto = config.proto();
    TrainConfig train = proto.getTrainConfig();
    Path modelDir = settings.modelDir().toAbsolutePath().normalize();
    IgnoredFields.warn(train);

    Optional<Path> resumeFrom =
        Files.isDirectory(modelDir) ? CheckpointLocator.latestCheckpoint(modelDir) : Optional.empty();
    ResumeState resume = resumeFrom.map(TrainingRun::resumeState).orElse(null);
    long startStep = resume == null ? 0 : resume.step();
    long lastStep = train.getNumSteps();
    if (resume != null) {
      LOG.info("Resuming from {} (step {}); fine_tune_checkpoint not used",
          resumeFrom.get().getFileName(), startStep);
      checkConfigAgainstFirstRun(modelDir, proto);
      if (lastStep > 0 && startStep >= lastStep) {
        LOG.info("Training already reached num_steps {} (checkpoint {}). To train longer, pass"
            + " --num_train_steps N with N > {}.", lastStep, resumeFrom.get(), startStep);
        return ExitCode.OK;
      }
    } else if (train.getFineTuneCheckpoint().isEmpty()) {
      LOG.info("Training from scratch: no checkpoint in {} and no fine_tune_checkpoint", modelDir);
    } else {
      LOG.info("Fine-tuning from {} (fine_tune_checkpoint_type: {}{})", train.getFineTuneCheckpoint(),
          train.getFineTuneCheckpointType(),
          train.getLoadAllDetectionCheckpointVars() ? ", load_all_detection_checkpoint_vars" : "");
    }
    if (!settings.dryRun()) {
      createModelDir(modelDir); // first: a bad --model_dir fails before the graph is built
    }
    ResumeState.Seeds seeds =
        resume != null ? resume.seeds() : new ResumeState.Seeds(settings.seed(), settings.seed());
    StartupTimeline.done("resume check");
    // Opened before the graph is built: the first batches are decoded on the input threads while
    // the main thread builds the graph, so the first step does not wait for them.
    try (InputPipeline input = settings.dryRun() ? null : openInput(proto, resume, seeds)) {
      if (input != null) {
        StartupTimeline.done("input pipeline start");
      }
      TensorFlow.version(); // waits for the native library if it is still loading
      StartupTimeline.done("waiting for the TensorFlow native library");
      return buildAndTrain(proto, train, resumeFrom, resume, seeds, startStep, lastStep, modelDir, input);
    }
  }

  private InputPipeline openInput(TrainEvalPipelineConfig proto, ResumeState resume, ResumeState.Seeds seeds) {
    PipelinePosition position = resume == null ? PipelinePosition.START : resume.inputPosition();
    return InputReaders.forTraining(proto, proto.getTrainConfig().getBatchSize(),
            settings.skipCorruptRecords(), settings.inputThreads())
        .seed(seeds.input())
        .startAt(position)
        .open();
  }

  private ExitCode buildAndTrain(
      TrainEvalPipelineConfig proto, TrainConfig train, Optional<Path> resumeFrom, ResumeState resume,
      ResumeState.Seeds seeds, long startStep, long lastStep, Path modelDir, InputPipeline input) {
    try (Graph graph = new Graph()) {
      Detector model = TrainGraph.buildModel(proto, graph, seeds.graph());
      StartupTimeline.done("graph build (model, losses)");
      VariableFilter.Result filter = VariableFilter.apply(
          model.trainableVariables().stream().map(ModelVariable::name).toList(),
          train.getUpdateTrainableVariablesList(), train.getFreezeVariablesList());
      reportTrainable(filter, proto);
      FineTuneStart fineTune =
          resume == null && !train.getFineTuneCheckpoint().isEmpty()
              ? FineTuneStart.plan(model, train, settings.allowEmptyRestore(),
                  settings.dryRun() ? null : modelDir.resolve(RESTORE_REPORT))
              : null;
      StartupTimeline.done("trainable set and restore plan");
      try {
        if (settings.dryRun()) {
          LOG.info("--dry_run: stopping before training; nothing was written");
          return ExitCode.OK;
        }
        if (resume == null) {
          writeEffectiveConfig(modelDir, proto);
        }
        TrainGraph trainGraph = TrainGraph.build(model, train,
            model.trainableVariables().stream().filter(v -> filter.isTrainable(v.name())).toList());
        StartupTimeline.done("gradients and optimizer");
        trainGraph.trainOp().notInLoss().forEach(name -> LOG.warn(
            "{} does not affect the loss: it is not updated (as TF1 drops variables without a gradient)", name));
        return train(trainGraph, fineTune, resumeFrom, resume, seeds, startStep, lastStep, modelDir, input);
      } finally {
        if (fineTune != null) {
          fineTune.close();
        }
      }
    }
  }

  private ExitCode train(
      TrainGraph trainGraph, FineTuneStart fineTune, Optional<Path> resumeFrom, ResumeState resume,
      ResumeState.Seeds seeds, long startStep, long lastStep, Path modelDir, InputPipeline input) {
    TrainEvalPipelineConfig proto = config.proto();
    CheckpointManager checkpoints =
        new CheckpointManager(modelDir, settings.maxToKeep(), proto.getTrainConfig().getKeepCheckpointEveryNHours());
    try (Session session = new Session(trainGraph.model().graph(), sessionConfig())) {
      StartupTimeline.done("session");
      if (resume != null) {
        restoreForResume(session, resumeFrom.get());
      } else {
        Session.Runner init = session.runner();
        trainGraph.initializers().forEach(init::addTarget);
        init.run();
        if (fineTune != null) {
          fineTune.load(session);
        }
        if (!trainGraph.shadowInitializers().isEmpty()) {
          Session.Runner shadows = session.runner();
          trainGraph.shadowInitializers().forEach(shadows::addTarget);
          shadows.run();
        }
      }
      StartupTimeline.done(resume != null ? "restore (resume)"
          : fineTune != null ? "initialize and restore (fine-tune)" : "initialize");
      List<TrainHook> hooks = new ArrayList<>();
      hooks.add(new StartupHook());
      ProgressHook progress =
          new ProgressHook(settings.logEveryN(), modelDir.resolve(METRICS), terminal);
      hooks.add(progress);
      if (settings.recordSummaries()) {
        hooks.add(new SummaryHook(new EventFileWriter(modelDir.resolve("train")), settings.logEveryN()));
      }
      CheckpointHook checkpointHook =
          new CheckpointHook(checkpoints, session, settings.checkpointEveryN(), seeds);
      hooks.add(checkpointHook);
      if (settings.evalEveryN() > 0) { // after the checkpoint hook: evaluates what it just saved
        hooks.add(new EvalHook(proto, settings.eval(), checkpointHook, settings.evalEveryN()));
      }
      LOG.info("Training steps {} to {} (batch {}, {} input threads, checkpoints every {} steps in {})",
          startStep + 1, lastStep > 0 ? Long.toString(lastStep) : "stopped", trainGraph.model().batchSize(),
          settings.inputThreads(), settings.checkpointEveryN(), modelDir);
      long trainStart = System.nanoTime();
      StopReason reason = new Trainer(session, trainGraph, input, hooks, stop::requested)
          .train(startStep, lastStep);
      summarize(reason, checkpointHook.lastSaved(), startStep, trainStart, input, modelDir);
      return reason == StopReason.INTERRUPTED ? ExitCode.INTERRUPTED : ExitCode.OK;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void summarize(
      StopReason reason, Path lastSaved, long startStep, long trainStart, InputPipeline input, Path modelDir) {
    double seconds = (System.nanoTime() - trainStart) / 1e9;
    LOG.info(String.format(Locale.ROOT, "%s after %.1f s; input: %s. Latest checkpoint: %s. TensorBoard:"
            + " tensorboard --logdir %s",
        reason == StopReason.INTERRUPTED ? "Stopped by a signal" : "Training finished", seconds,
        input.stats(), lastSaved == null ? "none written by this run" : lastSaved, modelDir));
    if (reason == StopReason.INTERRUPTED) {
      LOG.info("Run the same command to resume from {}.", lastSaved == null ? "where it started" : lastSaved.getFileName());
    }
  }

  private static ResumeState resumeState(Path prefix) {
    Path side = CheckpointManager.sideFile(prefix);
    return CheckpointManager.readSideFile(prefix)
        .map(text -> ResumeState.parse(text, side))
        .orElseGet(() -> {
          long step = stepOf(prefix);
          LOG.warn("{} has no {} side file (not written by finetune): resuming at step {} with the"
              + " input read from the start", prefix.getFileName(), CheckpointManager.SIDE_FILE_SUFFIX, step);
          return new ResumeState(step, PipelinePosition.START, new ResumeState.Seeds(1, 1));
        });
  }

  private static long stepOf(Path prefix) {
    return CheckpointManager.stepOf(prefix).orElseThrow(() -> new CheckpointException(
        "cannot tell the step of " + prefix + ": resume expects model.ckpt-<step>"));
  }

  private void restoreForResume(Session session, Path prefix) {
    try {
      session.restore(prefix.toString());
    } catch (RuntimeException e) {
      throw new CheckpointException("cannot resume from " + prefix + ": " + e.getMessage()
          + ". The checkpoint does not hold every variable of this training graph (was the"
          + " optimizer, the freeze set or the model changed?). Use a new --model_dir to start"
          + " over, or restore the original config.", e);
    }
  }

  /**
   * Compares the config with the one the run started with: a changed model is refused (unless
   * --force), other changes are allowed and listed (users extend training or change the schedule).
   */
  private void checkConfigAgainstFirstRun(Path modelDir, TrainEvalPipelineConfig proto) {
    Path saved = modelDir.resolve(EFFECTIVE_CONFIG);
    if (!Files.exists(saved)) {
      return;
    }
    TrainEvalPipelineConfig before = PipelineConfigLoader.load(saved, List.of(), null).proto();
    List<ConfigDiff.Change> changes = ConfigDiff.between(before, proto);
    if (changes.isEmpty()) {
      return;
    }
    List<ConfigDiff.Change> modelChanges =
        changes.stream().filter(c -> c.path().startsWith("model.")).toList();
    String listed = String.join("\n  ", changes.stream().map(ConfigDiff.Change::toString).toList());
    if (!modelChanges.isEmpty() && !settings.force()) {
      throw new ConfigException("the model in this config differs from the one " + modelDir
          + " was trained with (" + saved + "):\n  " + listed + "\nThe checkpoint cannot resume"
          + " into another model. Use a new --model_dir, or pass --force if the change is safe.");
    }
    LOG.warn("The config differs from {} (the run's first config); going on with the new values:\n  {}",
        saved, listed);
  }

  private void reportTrainable(VariableFilter.Result filter, TrainEvalPipelineConfig proto) {
    LOG.info(filter.summary());
    filter.unmatchedPatterns().forEach(p -> LOG.warn("{} matches no trainable variable", p));
    if (LOG.isDebugEnabled()) {
      filter.frozen().forEach(f -> LOG.debug("frozen: {} ({})", f.name(), f.why()));
    }
    boolean frozenBatchNorm = proto.getModel().getSsd().getFreezeBatchnorm();
    LOG.info("Batch norm: {}", frozenBatchNorm
        ? "frozen (freeze_batchnorm): moving statistics are not updated"
        : "moving statistics update with each step where batch_norm.train is true, frozen"
            + " layers included (as the API)");
  }

  private ConfigProto sessionConfig() {
    ConfigProto.Builder c = ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(settings.intraOpThreads())
        .setInterOpParallelismThreads(settings.interOpThreads())
        .setAllowSoftPlacement(true);
    // Grappler's passes took ~1.3 s of the first step on the SSD training graph (pets config,
    // batch 8, 2 cores) and left the later steps as fast as without them (median 0.88-0.98 s both
    // ways, scripts/bench_startup.sh): off. XLA's JIT (TF_XLA_FLAGS=--tf_xla_cpu_global_jit) made
    // the first step 28 s and the others 3x slower: not used.
    c.getGraphOptionsBuilder().getRewriteOptionsBuilder().setDisableMetaOptimizer(true);
    if (settings.useGpu()) {
      c.getGpuOptionsBuilder().setAllowGrowth(true);
    } else {
      c.putDeviceCount("GPU", 0);
    }
    return c.build();
  }

  private static void createModelDir(Path modelDir) {
    try {
      Files.createDirectories(modelDir);
    } catch (IOException e) {
      throw new FinetuneException(ExitCode.IO, "cannot create --model_dir " + modelDir + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose a folder you can"
          + " write to.", e);
    }
  }

  private static void writeEffectiveConfig(Path modelDir, TrainEvalPipelineConfig proto) {
    Path file = modelDir.resolve(EFFECTIVE_CONFIG);
    try {
      AtomicFiles.writeString(file, TextFormat.printer().printToString(proto));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
