package dev.finetune.train;

import dev.finetune.eval.EvalSettings;
import java.nio.file.Path;

/**
 * How a training run is driven (the command line's flags; the config holds the rest).
 *
 * @param modelDir checkpoints, summaries, logs; a checkpoint here means resume
 * @param checkpointEveryN save every N steps (and always at the end)
 * @param maxToKeep newest checkpoints kept
 * @param logEveryN log lines, metrics.jsonl and summaries every N steps
 * @param seed seeds initializers, shuffling and augmentation of a fresh run (a resumed run keeps
 *     the seeds it started with)
 * @param intraOpThreads TensorFlow's intra-op threads (0: TensorFlow's choice)
 * @param interOpThreads TensorFlow's inter-op threads (0: TensorFlow's choice)
 * @param inputThreads worker threads decoding and augmenting input
 * @param useGpu place ops on a GPU when the native library has one (soft placement)
 * @param skipCorruptRecords skip and count damaged records instead of stopping
 * @param recordSummaries write TensorBoard event files
 * @param dryRun print the plan (restore, trainable set) and stop before training
 * @param force resume even though the model config changed
 * @param allowEmptyRestore train even when the fine-tune checkpoint restores nothing
 * @param evalEveryN evaluate the newest checkpoint every N steps and at the end (0: off)
 * @param eval how those evaluations run (null when evalEveryN is 0)
 */
public record TrainSettings(
    Path modelDir,
    int checkpointEveryN,
    int maxToKeep,
    int logEveryN,
    long seed,
    int intraOpThreads,
    int interOpThreads,
    int inputThreads,
    boolean useGpu,
    boolean skipCorruptRecords,
    boolean recordSummaries,
    boolean dryRun,
    boolean force,
    boolean allowEmptyRestore,
    int evalEveryN,
    EvalSettings eval) {

  /** Settings without in-process evaluation. */
  public TrainSettings(Path modelDir, int checkpointEveryN, int maxToKeep, int logEveryN, long seed,
      int intraOpThreads, int interOpThreads, int inputThreads, boolean useGpu,
      boolean skipCorruptRecords, boolean recordSummaries, boolean dryRun, boolean force,
      boolean allowEmptyRestore) {
    this(modelDir, checkpointEveryN, maxToKeep, logEveryN, seed, intraOpThreads, interOpThreads,
        inputThreads, useGpu, skipCorruptRecords, recordSummaries, dryRun, force, allowEmptyRestore,
        0, null);
  }
}
