package dev.finetune.train;

import com.google.gson.JsonObject;
import dev.finetune.checkpoint.CheckpointManager;
import dev.finetune.util.Json;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Session;

/**
 * Saves a checkpoint every {@code everyN} steps and always at the end of a run that stopped
 * cleanly (its last step, or a signal), so no finished step is ever lost. A failed run saves
 * nothing: the last checkpoint stays the last good state.
 */
final class CheckpointHook implements TrainHook {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointHook.class);

  private final CheckpointManager manager;
  private final Session session;
  private final int everyN;
  private final ResumeState.Seeds seeds;
  private long lastSavedStep = -1;
  private Path lastSaved;

  CheckpointHook(CheckpointManager manager, Session session, int everyN, ResumeState.Seeds seeds) {
    this.manager = manager;
    this.session = session;
    this.everyN = everyN;
    this.seeds = seeds;
  }

  @Override
  public void beforeTrain(long startStep, long lastStep) {
    lastSavedStep = startStep; // a resumed run starts from a saved step
  }

  @Override
  public void afterStep(StepResult r) {
    if (r.step() % everyN == 0) {
      save(r);
    }
  }

  @Override
  public void afterTrain(StepResult last, StopReason reason) {
    if (reason != StopReason.FAILED && last != null && last.step() != lastSavedStep) {
      save(last);
    }
  }

  private void save(StepResult r) {
    long started = System.nanoTime();
    JsonObject side = new ResumeState(r.step(), r.inputPosition(), seeds).toJson();
    lastSaved = manager.save(session, r.step(), Json.pretty(side));
    lastSavedStep = r.step();
    LOG.info("Saved checkpoint {} ({} ms)", lastSaved.getFileName(),
        (System.nanoTime() - started) / 1_000_000);
  }

  /** The newest checkpoint this run saved, or null. */
  Path lastSaved() {
    return lastSaved;
  }
}
