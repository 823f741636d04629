package dev.finetune.model;

import java.util.Locale;

/**
 * {@code train_config.fine_tune_checkpoint_type}: which of the model's variables a fine-tune
 * checkpoint restores (the API's {@code restore_map} argument). The config loader has already
 * resolved an empty value through {@code from_detection_checkpoint}.
 */
public enum CheckpointType {
  /** The feature extractor (everything with {@code load_all_detection_checkpoint_vars}), same names. */
  DETECTION,
  /** Only the feature extractor, from a classifier whose names lack the {@code FeatureExtractor/} scope. */
  CLASSIFICATION,
  /** Every model variable. */
  FULL;

  /** The config's value ("detection", ...); the validator has already refused any other. */
  public static CheckpointType of(String configValue) {
    return valueOf(configValue.toUpperCase(Locale.ROOT));
  }

  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
