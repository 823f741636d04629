package dev.finetune.config;

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
 * @param missingFiles input files, label maps and checkpoints that do not exist (or are still
 *     {@code PATH_TO_BE_CONFIGURED}): warnings for validate_config, errors when training starts
 */
public record PipelineConfig(
    TrainEvalPipelineConfig proto,
    Path source,
    List<String> warnings,
    List<String> problems,
    List<MissingFile> missingFiles) {

  /** The messages of {@link #missingFiles()}, one line each. */
  public List<String> missingPaths() {
    return missingFiles.stream().map(MissingFile::message).toList();
  }

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
   * As {@link #requireValid()}, and also requires every input file and checkpoint to exist. The
   * first missing file decides the exception (and so the exit code): a placeholder left in the
   * config, then the checkpoint, then records and label maps.
   */
  public PipelineConfig requireRunnable() {
    requireValid();
    if (!missingFiles.isEmpty()) {
      String message = errorText(missingPaths());
      throw switch (missingFiles.get(0).exitCode()) {
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
