package dev.finetune.export;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;

/** An export directory or SavedModel that cannot be used (exit code 4, as a checkpoint). */
public class ExportException extends FinetuneException {
  public ExportException(String message) {
    super(ExitCode.CHECKPOINT, message);
  }

  public ExportException(String message, Throwable cause) {
    super(ExitCode.CHECKPOINT, message, cause);
  }
}
