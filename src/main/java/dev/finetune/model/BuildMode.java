package dev.finetune.model;

/**
 * What a model graph is built for, as the API's {@code model_builder.build(config, is_training)}:
 * a training graph has target placeholders and losses; an inference graph (evaluation, export)
 * has neither, only the detections.
 */
public enum BuildMode {
  TRAIN,
  INFERENCE
}
