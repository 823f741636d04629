package dev.finetune.checkpoint;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;

/** A checkpoint that is missing, truncated or corrupt: exit code 4. */
public class CheckpointException extends FinetuneException {
  public CheckpointException(String message) {
    super(ExitCode.CHECKPOINT, message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(ExitCode.CHECKPOINT, message, cause);
  }
}
