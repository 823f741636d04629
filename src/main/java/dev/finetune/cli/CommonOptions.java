package dev.finetune.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
  @Option(
      names = {"-v", "--verbose"},
      description = "Log debug details and print stack traces with errors.")
  boolean verbose;
}
