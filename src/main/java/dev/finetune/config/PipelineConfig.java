package dev.finetune.config;

import dev.finetune.ExitCode;
import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.data.DataException;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A loaded pipeline config: the proto after overrides and deprecation rules (so downstream code
 * reads one place: e.g. {@code train_config.fine_tune_checkpoint_type} is always resolved), where it
 * came from, and what loading it found worth telling the user.
 *
 * @param proto the effective config
 * @param source the file it was read from
 * @param warnings deprecations and soft problems, one line each, for the caller to show
 * @param problems semantic errors (empty when valid)
 * @param missingPaths input files, label maps and checkpoints that do not exist (or are still
 *     {@code PATH_TO_BE_CONFIGURED}): warnings for validate_config, errors when training starts
 * @param missingPathsExitCode the exit code of that error, from its first line: data (records,
 *     label maps), checkpoint, or config (a placeholder); null when nothing is missing
 */
public record PipelineConfig(
    TrainEvalPipelineConfig proto,
    Path source,
    List<String> warnings,
    List<String> problems,
    List<String> missingPaths,
    ExitCode missingPathsExitCode) {

  public boolean isValid() {
    return problems.isEmpty();
  }

  /** Throws one ConfigException listing every problem, or returns this config when valid. */
  public PipelineConfig requireValid() {
    if (!problems.isEmpty()) {
      throw new ConfigException(errorText(problems));
    }
    return this;
  }

  /**
   * As {@link #requireValid()}, and also requires every input file and checkpoint to exist: a
   * DataException (exit 3) for missing records or label maps, a CheckpointException (4) for a
   * missing fine-tune checkpoint, a ConfigException (2) for a stock placeholder left in the config.
   */
  public PipelineConfig requireRunnable() {
    requireValid();
    if (!missingPaths.isEmpty()) {
      String message = errorText(missingPaths);
      throw switch (missingPathsExitCode) {
        case DATA -> new DataException(message);
        case CHECKPOINT -> new CheckpointException(message);
        default -> new ConfigException(message);
      };
    }
    return this;
  }

  private String errorText(List<String> lines) {
    if (lines.size() == 1) {
      return lines.get(0);
    }
    return lines.size() + " problems in " + source + ":\n  " + String.join("\n  ", lines);
  }
}
