package dev.finetune.eval;

import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.checkpoint.CheckpointLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * model_main.py's evaluation mode ({@code --checkpoint_dir}): evaluates the latest checkpoint of a
 * training directory each time a new one appears (the {@code checkpoint} state file is polled, as
 * {@code tf.train.checkpoints_iterator} does: a checkpoint superseded while another was being
 * evaluated is skipped), until the checkpoint of {@code num_steps} is evaluated or none arrives for
 * {@code --eval_timeout} seconds; with {@code --run_once}, only the latest one.
 */
public final class EvaluationLoop {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluationLoop.class);

  /**
   * @param numSteps train_config.num_steps: stop after the checkpoint of this step (0: never)
   * @param timeout the longest wait for a new checkpoint
   * @param poll how often the state file is read
   */
  public record Options(Path checkpointDir, long numSteps, boolean runOnce, Duration timeout, Duration poll) {
    /** Polls every 2 s, or a tenth of a shorter timeout (at least 50 ms). */
    public static Duration defaultPoll(Duration timeout) {
      long ms = Math.max(50, Math.min(2000, timeout.toMillis() / 10));
      return Duration.ofMillis(ms);
    }
  }

  /** How the loop ended. */
  public enum End { REACHED_NUM_STEPS, TIMED_OUT, RAN_ONCE, STOPPED }

  /** The evaluations made and why the loop ended. */
  public record Outcome(List<EvalResult> results, End end) {}

  private final CheckpointEvaluator evaluator;
  private final BestCheckpoint best;
  private final Options options;
  private final BooleanSupplier stopRequested;

  /** @param best keeps the best checkpoint (null: none kept) */
  public EvaluationLoop(CheckpointEvaluator evaluator, BestCheckpoint best, Options options,
      BooleanSupplier stopRequested) {
    this.evaluator = evaluator;
    this.best = best;
    this.options = options;
    this.stopRequested = stopRequested;
  }

  public Outcome run() throws InterruptedException {
    Path dir = options.checkpointDir().toAbsolutePath().normalize();
    List<EvalResult> results = new ArrayList<>();
    if (options.runOnce()) {
      Path latest = latest(dir).orElseThrow(() -> new CheckpointException(
          "--run_once: no checkpoint in " + dir + " (no 'checkpoint' state file naming one). Train"
              + " first, or point --checkpoint_dir at the training --model_dir."));
      results.add(evaluate(latest));
      return new Outcome(results, End.RAN_ONCE);
    }
    LOG.info("Waiting for checkpoints in {} (stopping after {} s without a new one{})", dir,
        options.timeout().toSeconds(),
        options.numSteps() > 0 ? " or after the checkpoint of step " + options.numSteps() : "");
    Path last = null;
    long deadline = System.nanoTime() + options.timeout().toNanos();
    while (true) {
      if (stopRequested.getAsBoolean()) {
        LOG.info("Stopped by a signal after {} evaluations", results.size());
        return new Outcome(results, End.STOPPED);
      }
      Optional<Path> latest = latestQuietly(dir);
      if (latest.isPresent() && !latest.get().equals(last)) {
        last = latest.get();
        EvalResult r = evaluateUnlessGone(last);
        if (r != null) {
          results.add(r);
          if (options.numSteps() > 0 && r.step() >= options.numSteps()) {
            LOG.info("Evaluated the checkpoint of step {} (num_steps {}): evaluation done", r.step(),
                options.numSteps());
            return new Outcome(results, End.REACHED_NUM_STEPS);
          }
        }
        deadline = System.nanoTime() + options.timeout().toNanos();
        continue;
      }
      if (System.nanoTime() - deadline >= 0) {
        LOG.info("No new checkpoint in {} for {} s (--eval_timeout): evaluation stops after {}"
            + " evaluations{}", dir, options.timeout().toSeconds(), results.size(),
            results.isEmpty() ? " (did training write to this directory?)" : "");
        return new Outcome(results, End.TIMED_OUT);
      }
      Thread.sleep(options.poll().toMillis());
    }
  }

  private EvalResult evaluate(Path checkpoint) {
    EvalResult r = evaluator.evaluate(checkpoint);
    if (best != null) {
      best.offer(checkpoint, r.step(), r.metrics());
    }
    return r;
  }

  /** Null when the checkpoint was rotated away before it could be read (training moved on). */
  private EvalResult evaluateUnlessGone(Path checkpoint) {
    try {
      return evaluate(checkpoint);
    } catch (CheckpointException e) {
      if (Files.exists(checkpoint.resolveSibling(checkpoint.getFileName() + ".index"))) {
        throw e;
      }
      LOG.warn("Skipping {}: it was deleted (checkpoint rotation) while being evaluated", checkpoint);
      return null;
    }
  }

  private static Optional<Path> latest(Path dir) {
    return Files.isDirectory(dir) ? CheckpointLocator.latestCheckpoint(dir) : Optional.empty();
  }

  /** The latest checkpoint; empty while the state file names one being rotated away. */
  private static Optional<Path> latestQuietly(Path dir) {
    try {
      return latest(dir);
    } catch (CheckpointException e) {
      LOG.debug("no readable latest checkpoint yet: {}", e.getMessage());
      return Optional.empty();
    }
  }
}
