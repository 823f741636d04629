package dev.finetune.config;

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
 * @param locator where each field was written ({@code locator().where("train_config.batch_size")}
 *     gives {@code "pipeline.config:12:3: train_config.batch_size"})
 *
 * <p>Whether the files it names exist is not loading's business: {@code preflight.Preflight}
 * checks them (it needs the record and checkpoint readers, which sit above config).
 */
public record PipelineConfig(
    TrainEvalPipelineConfig proto,
    Path source,
    List<String> warnings,
    List<String> problems,
    SourceLocator locator) {

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

  /** One line as it is, or "N problems in FILE:" and the lines indented. */
  public String errorText(List<String> lines) {
    if (lines.size() == 1) {
      return lines.get(0);
    }
    return lines.size() + " problems in " + source + ":\n  " + String.join("\n  ", lines);
  }
}
