package dev.finetune.cli;

/** Entry point of the {@code finetune} command; see {@link FinetuneCommand}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Cli.run(args));
  }
}
