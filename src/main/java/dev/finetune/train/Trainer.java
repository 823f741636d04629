package dev.finetune.train;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.pipeline.InputPipeline;
import dev.finetune.model.Detector;
import dev.finetune.train.TrainHook.StopReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * The training loop, as small as Detectron2's {@code TrainerBase.train}: one {@code Session.run}
 * per step (gradients, update, batch-norm statistics, moving averages, the step's losses and
 * learning rate), hooks around it. A NaN or infinite loss ends the run before any hook can save
 * the diverged weights.
 */
public final class Trainer {
  private final Session session;
  private final TrainGraph graph;
  private final InputPipeline input;
  private final List<TrainHook> hooks;
  private final BooleanSupplier stopRequested;

  /**
   * @param stopRequested polled after each step: true ends the loop after that step (a signal)
   */
  public Trainer(
      Session session,
      TrainGraph graph,
      InputPipeline input,
      List<TrainHook> hooks,
      BooleanSupplier stopRequested) {
    this.session = session;
    this.graph = graph;
    this.input = input;
    this.hooks = List.copyOf(hooks);
    this.stopRequested = stopRequested;
  }

  /**
   * Steps from {@code startStep} until the global step reaches {@code lastStep} (0: until
   * stopped), the input ends, or a stop is requested.
   *
   * @return why the loop ended (FINISHED or INTERRUPTED; a failure throws)
   */
  public StopReason train(long startStep, long lastStep) {
    hooks.forEach(h -> h.beforeTrain(startStep, lastStep));
    StepResult last = null;
    StopReason reason = StopReason.FINISHED;
    try {
      long step = startStep;
      while (lastStep <= 0 || step < lastStep) {
        if (stopRequested.getAsBoolean()) {
          reason = StopReason.INTERRUPTED;
          break;
        }
        long started = System.nanoTime();
        DetectionBatch batch = input.next();
        if (batch == null) {
          break; // num_epochs reached
        }
        last = runStep(step + 1, batch, started);
        step = last.step();
        for (TrainHook h : hooks) {
          h.afterStep(last);
        }
      }
    } catch (RuntimeException e) {
      StepResult failedAfter = last;
      hooks.forEach(h -> h.afterTrain(failedAfter, StopReason.FAILED));
      throw e;
    }
    StepResult lastResult = last;
    StopReason finalReason = reason;
    hooks.forEach(h -> h.afterTrain(lastResult, finalReason));
    return reason;
  }

  private StepResult runStep(long step, DetectionBatch batch, long startedNanos) {
    Detector model = graph.model();
    Map<String, Operand<TFloat32>> losses = graph.losses();
    Map<String, Float> values = new LinkedHashMap<>();
    float learningRate;
    try (Detector.Feed feed = model.feed(batch)) {
      Session.Runner runner = feed.into(session.runner()).addTarget(graph.trainOp().step());
      losses.values().forEach(runner::fetch);
      runner.fetch(graph.trainOp().learningRate());
      try (Result result = runner.run()) {
        int i = 0;
        for (String name : losses.keySet()) {
          values.put(name, ((TFloat32) result.get(i++)).getFloat());
        }
        learningRate = ((TFloat32) result.get(i)).getFloat();
      }
    }
    checkFinite(step, values, learningRate);
    double seconds = (System.nanoTime() - startedNanos) / 1e9;
    return new StepResult(step, values, learningRate, seconds, input.position(), batch);
  }

  private static void checkFinite(long step, Map<String, Float> losses, float learningRate) {
    List<String> bad = new ArrayList<>();
    losses.forEach((name, v) -> {
      if (!Float.isFinite(v)) {
        bad.add(name + " = " + v);
      }
    });
    if (bad.isEmpty()) {
      return;
    }
    throw new FinetuneException(
        ExitCode.TRAINING_DIVERGED,
        String.format(Locale.ROOT,
            "training diverged at step %d: %s (learning rate %g). The weights of this step were"
                + " not saved; the last checkpoint in model_dir is the last good state. Likely"
                + " causes: a learning rate too high for this batch size (try a tenth of it, or a"
                + " warmup), gradient_clipping_by_norm unset, or bad boxes in the data (check with"
                + " finetune inspect_records).",
            step, String.join(", ", bad), learningRate));
  }
}
