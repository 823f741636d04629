package dev.finetune;

/**
 * A user-facing error: a bad config, a missing or corrupt file, a diverged run. Its message is
 * printed as-is (no stack trace unless --verbose), so it must say what went wrong, where, and what
 * to do. Subclasses pick the exit code.
 */
public class FinetuneException extends RuntimeException {
  private final ExitCode exitCode;

  public FinetuneException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public FinetuneException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
