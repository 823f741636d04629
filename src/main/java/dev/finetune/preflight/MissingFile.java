package dev.finetune.preflight;

import dev.finetune.ExitCode;

/**
 * A file the config names that is not there (or is still {@code PATH_TO_BE_CONFIGURED}), and the
 * exit code it makes when training starts: config (2) for a placeholder, data (3) for records and
 * label maps, checkpoint (4) for the fine-tune checkpoint.
 */
public record MissingFile(String message, ExitCode exitCode) {
  @Override
  public String toString() {
    return message;
  }
}
