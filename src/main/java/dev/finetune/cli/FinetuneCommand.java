package dev.finetune.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code finetune}: with no subcommand it trains, taking the flags of the Object Detection API's
 * {@code model_main.py} / {@code model_main_tf2.py}; the subcommands are the everyday tools.
 */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Fine-tune a TensorFlow Object Detection API model from its pipeline.config.",
      "Without a subcommand, trains (or, with --checkpoint_dir, evaluates) like model_main.py."
    },
    subcommands = {
      TrainCommand.class,
      DemoCommand.class,
      ValidateConfigCommand.class,
      InspectCheckpointCommand.class,
      CreateTfRecordCommand.class,
      InspectRecordsCommand.class,
      MakeDemoDataCommand.class,
      DescribeModelCommand.class,
      ExportCommand.class,
      InferCommand.class,
    },
    footer = {
      "",
      "Exit codes: 0 success, 1 internal error, 2 usage or config error, 3 data error,",
      "            4 checkpoint error, 5 training diverged, 6 file system error,",
      "            130 interrupted."
    })
public final class FinetuneCommand implements Callable<Integer> {
  @Mixin TrainOptions trainOptions;
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    return new TrainRunner(trainOptions).run();
  }
}
