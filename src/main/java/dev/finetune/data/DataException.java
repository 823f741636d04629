package dev.finetune.data;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;

/** Input data that cannot be used (corrupt record, undecodable image, bad label map): exit code 3. */
public class DataException extends FinetuneException {
  public DataException(String message) {
    super(ExitCode.DATA, message);
  }

  public DataException(String message, Throwable cause) {
    super(ExitCode.DATA, message, cause);
  }
}
