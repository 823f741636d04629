package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.RestoreReport;
import dev.finetune.config.ConfigException;
import dev.finetune.config.ConfigSummary;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.preflight.Preflight;
import dev.finetune.proto.TrainConfig;
import dev.finetune.train.FineTuneStart;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code finetune validate_config PATH}: parses and checks a pipeline config and prints what it will
 * do. Exit 0 when valid (missing files are warnings here), 2 when not.
 */
@Command(
    name = "validate_config",
    aliases = "validate-config",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check a pipeline.config and print what it will do.",
      "Missing input files and checkpoints, and settings finetune does not support yet, are"
          + " warnings here (errors when training starts).",
      "Exit 0 when the config is valid, 2 when not.",
      "Several files: one line each and a total (handy for a folder of configs)."
    })
final class ValidateConfigCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "PIPELINE_CONFIG",
      description = "The pipeline.config to check; with several files, one line each and a total.")
  List<Path> positionalPaths = new ArrayList<>();

  @Mixin PipelineConfigOption pipelineConfig;

  @Option(names = "--set", paramLabel = "FIELD=VALUE",
      description = "Override a config field (repeatable), as for training.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--num_train_steps", paramLabel = "N", description = "Overrides train_config.num_steps.")
  Integer numTrainSteps;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    List<Path> paths = new ArrayList<>(positionalPaths);
    if (pipelineConfig.path != null) {
      paths.add(pipelineConfig.path);
    }
    if (paths.isEmpty()) {
      throw new ConfigException(
          "validate_config needs the config file: finetune validate_config pipeline.config");
    }
    if (paths.size() == 1) {
      return validateOne(paths.get(0));
    }
    return validateMany(paths);
  }

  private int validateOne(Path path) {
    PipelineConfig config = PipelineConfigLoader.load(path, overrides, numTrainSteps);
    PrintWriter out = spec.commandLine().getOut();
    if (!config.isValid()) {
      // No summary: it would describe values that are wrong ("fine-tune type detectoin: ?").
      PrintWriter err = spec.commandLine().getErr();
      err.println("finetune: error: the config is not valid:");
      config.problems().forEach(p -> err.println("  - " + p));
      return ExitCode.USAGE_OR_CONFIG.code();
    }
    out.println("Pipeline config " + config.source() + ":");
    ConfigSummary.lines(config.proto()).forEach(out::println);
    if (!config.warnings().isEmpty()) {
      out.println("Warnings:");
      config.warnings().forEach(w -> out.println("  - " + w));
    }
    List<String> missing = Preflight.missingPaths(config);
    if (!missing.isEmpty()) {
      out.println("Files to fix before training:");
      missing.forEach(w -> out.println("  - " + w));
    }
    List<String> unsupported = SupportCheck.unsupported(config.proto());
    if (!unsupported.isEmpty()) {
      out.println("Valid for the Object Detection API, but not supported by finetune yet (training"
          + " refuses it):");
      unsupported.forEach(u -> out.println("  - " + u));
    } else {
      printRestorePlan(out, config);
    }
    out.println("The config is valid.");
    return ExitCode.OK.code();
  }

  /**
   * What the fine-tune checkpoint would restore (the trainer's plan, summary line), when it exists:
   * builds the model's variables, reads only the checkpoint's index.
   */
  private static void printRestorePlan(PrintWriter out, PipelineConfig config) {
    TrainConfig train = config.proto().getTrainConfig();
    if (train.getFineTuneCheckpoint().isEmpty()) {
      return;
    }
    try (CheckpointReader reader = CheckpointReader.open(Path.of(train.getFineTuneCheckpoint()));
        Graph graph = new Graph()) {
      Detector model = ModelBuilder.build(config.proto().getModel(), graph, 1, 0, BuildMode.INFERENCE);
      out.println("Restore plan: " + RestoreReport.of(FineTuneStart.planFor(model, train, reader)).summary());
    } catch (FinetuneException e) {
      out.println("Restore plan: " + e.getMessage());
    }
  }

  /** One line per file (its problems below it), then "N valid, M invalid". */
  private int validateMany(List<Path> paths) {
    PrintWriter out = spec.commandLine().getOut();
    int valid = 0;
    for (Path path : paths) {
      List<String> problems;
      try {
        problems = PipelineConfigLoader.load(path, overrides, numTrainSteps).problems();
      } catch (ConfigException e) {
        problems = List.of(e.getMessage());
      }
      if (problems.isEmpty()) {
        valid++;
        out.println("valid    " + path);
      } else {
        out.println("INVALID  " + path);
        problems.forEach(p -> out.println("  - " + p));
      }
    }
    out.println(valid + " valid, " + (paths.size() - valid) + " invalid");
    return valid == paths.size() ? ExitCode.OK.code() : ExitCode.USAGE_OR_CONFIG.code();
  }
}
