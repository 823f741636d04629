package dev.finetune.config;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;

/** A pipeline config (or command-line override) that cannot be used: exit code 2. */
public class ConfigException extends FinetuneException {
  public ConfigException(String message) {
    super(ExitCode.USAGE_OR_CONFIG, message);
  }

  public ConfigException(String message, Throwable cause) {
    super(ExitCode.USAGE_OR_CONFIG, message, cause);
  }
}
