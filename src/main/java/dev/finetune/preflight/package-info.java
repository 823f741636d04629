/**
 * The step between loading a pipeline config and running it: do the files it names exist (record
 * files and globs, label maps, the fine-tune checkpoint; no {@code PATH_TO_BE_CONFIGURED} left)?
 *
 * <pre>{@code
 * PipelineConfig config = Preflight.requireRunnable(PipelineConfigLoader.load(path, overrides, steps));
 * List<String> missing = Preflight.missingPaths(config);   // validate_config's warnings
 * }</pre>
 *
 * <p>Its own package above config: it asks the record reader (data) and the checkpoint locator
 * (checkpoint), which use config themselves.
 */
package dev.finetune.preflight;
