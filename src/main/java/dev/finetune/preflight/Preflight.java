package dev.finetune.preflight;

import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.config.ConfigException;
import dev.finetune.config.PipelineConfig;
import dev.finetune.data.DataException;
import java.util.ArrayList;
import java.util.List;

/**
 * The step between loading a config and running it: do the files it names exist? Record files
 * (globs as the reader expands them), label maps, the fine-tune checkpoint, and no {@code
 * PATH_TO_BE_CONFIGURED} placeholder left from a stock config. validate_config shows what is
 * missing as warnings; training and the demo {@link #requireRunnable} it.
 *
 * <p>A package of its own above config: it asks the record and checkpoint readers (data,
 * checkpoint), which themselves read config types, so config cannot ask them.
 */
public final class Preflight {
  private Preflight() {}

  /** Every missing file, placeholders first, each naming where the config names it. */
  public static List<MissingFile> missingFiles(PipelineConfig config) {
    List<MissingFile> missing = new ArrayList<>();
    ConfigFiles.check(config.proto(), config.locator(), missing);
    return List.copyOf(missing);
  }

  /** The messages of {@link #missingFiles}, one line each. */
  public static List<String> missingPaths(PipelineConfig config) {
    return missingFiles(config).stream().map(MissingFile::message).toList();
  }

  /**
   * {@link PipelineConfig#requireValid()}, and every input file and checkpoint exists. The first
   * missing file decides the exception (and so the exit code): a placeholder left in the config
   * (ConfigException), then the checkpoint (CheckpointException), then records and label maps
   * (DataException).
   */
  public static PipelineConfig requireRunnable(PipelineConfig config) {
    config.requireValid();
    List<MissingFile> missing = missingFiles(config);
    if (!missing.isEmpty()) {
      String message = config.errorText(missing.stream().map(MissingFile::message).toList());
      throw switch (missing.get(0).exitCode()) {
        case DATA -> new DataException(message);
        case CHECKPOINT -> new CheckpointException(message);
        default -> new ConfigException(message);
      };
    }
    return config;
  }
}
