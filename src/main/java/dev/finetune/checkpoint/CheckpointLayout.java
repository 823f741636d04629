package dev.finetune.checkpoint;

/** How a checkpoint names its tensors. */
public enum CheckpointLayout {
  /** TF1 {@code Saver}: keys are graph variable names ({@code FeatureExtractor/.../weights}). */
  TF1("tf1"),
  /**
   * TF2 {@code tf.train.Checkpoint}: keys are object paths ({@code model/_box_predictor/.../
   * .ATTRIBUTES/VARIABLE_VALUE}) and a {@code _CHECKPOINTABLE_OBJECT_GRAPH} describes the objects.
   */
  TF2("tf2");

  private final String id;

  CheckpointLayout(String id) {
    this.id = id;
  }

  /** "tf1" or "tf2", as printed in JSON. */
  public String id() {
    return id;
  }
}
