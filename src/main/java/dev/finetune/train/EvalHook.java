package dev.finetune.train;

import dev.finetune.eval.BestCheckpoint;
import dev.finetune.eval.CheckpointEvaluator;
import dev.finetune.eval.EvalSettings;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process evaluation ({@code --eval_every_n N}) for users who do not run a second {@code
 * --checkpoint_dir} process: every N steps, and once at the end, the newest checkpoint the {@link
 * CheckpointHook} saved (it runs before this hook) is evaluated exactly as the evaluation mode does
 * it, with the same outputs and best-checkpoint copy. The inference graph and its session are
 * built at the first evaluation and kept until the end of training.
 */
final class EvalHook implements TrainHook {
  private static final Logger LOG = LoggerFactory.getLogger(EvalHook.class);

  private final TrainEvalPipelineConfig config;
  private final EvalSettings settings;
  private final CheckpointHook checkpoints;
  private final int everyN;
  private CheckpointEvaluator evaluator;
  private BestCheckpoint best;
  private Path lastEvaluated;

  EvalHook(TrainEvalPipelineConfig config, EvalSettings settings, CheckpointHook checkpoints, int everyN) {
    this.config = config;
    this.settings = settings;
    this.checkpoints = checkpoints;
    this.everyN = everyN;
  }

  @Override
  public void afterStep(StepResult r) {
    if (r.step() % everyN == 0) {
      evaluateNewest();
    }
  }

  @Override
  public void afterTrain(StepResult last, StopReason reason) {
    try {
      if (reason == StopReason.FINISHED) {
        evaluateNewest();
      }
    } finally {
      if (evaluator != null) {
        evaluator.close();
        evaluator = null;
      }
    }
  }

  private void evaluateNewest() {
    Path newest = checkpoints.lastSaved();
    if (newest == null || newest.equals(lastEvaluated)) {
      return;
    }
    if (evaluator == null) {
      long started = System.nanoTime();
      evaluator = new CheckpointEvaluator(config, settings);
      best = new BestCheckpoint(settings.modelDir(), settings.bestMetric());
      LOG.debug("evaluation graph built in {} ms", (System.nanoTime() - started) / 1_000_000);
    }
    var result = evaluator.evaluate(newest);
    best.offer(newest, result.step(), result.metrics());
    lastEvaluated = newest;
  }
}
