package dev.finetune.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code finetune train}: the same as {@code finetune} with no subcommand. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Train (fine-tune) a detector from a pipeline.config; the default command.")
final class TrainCommand implements Callable<Integer> {
  @Mixin TrainOptions trainOptions;
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    return new TrainRunner(trainOptions).run();
  }
}
