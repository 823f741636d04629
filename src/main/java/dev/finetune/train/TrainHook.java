package dev.finetune.train;

/**
 * Something the training loop does around its steps (logging, summaries, checkpoints), kept out of
 * the loop itself as Detectron2's {@code HookBase}: the loop knows nothing about what hooks do.
 * Hooks run on the training thread, in the order given.
 */
public interface TrainHook {
  /** Before the first step of this run ({@code startStep} is 0 or the resumed step). */
  default void beforeTrain(long startStep, long lastStep) {}

  /** After each step; {@code result.step()} is the global step after the update. */
  default void afterStep(StepResult result) {}

  /**
   * After the loop, whether it reached its last step or stopped early.
   *
   * @param lastResult the last completed step (null if none ran)
   * @param reason why the loop ended
   */
  default void afterTrain(StepResult lastResult, StopReason reason) {}

  /** Why the loop ended. */
  enum StopReason {
    FINISHED,
    INTERRUPTED,
    FAILED
  }
}
