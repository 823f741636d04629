package dev.finetune;

/**
 * The process exit codes of every finetune command. Documented in the README; scripts rely on them,
 * so a value never changes meaning.
 */
public enum ExitCode {
  OK(0, "success"),
  INTERNAL(1, "internal error (a bug: please report it with the --verbose output)"),
  USAGE_OR_CONFIG(2, "bad command line or pipeline config"),
  DATA(3, "bad or missing input data (records, images, label map)"),
  CHECKPOINT(4, "bad or missing checkpoint"),
  TRAINING_DIVERGED(5, "training diverged (NaN or infinite loss)"),
  IO(6, "file system error (disk full, permission denied, ...)"),
  INTERRUPTED(130, "interrupted (Ctrl-C / SIGTERM); the last checkpoint is intact");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}
