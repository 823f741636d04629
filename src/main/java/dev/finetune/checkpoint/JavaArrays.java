package dev.finetune.checkpoint;

import java.nio.file.Path;

/** Whether a tensor's values fit one Java array, and the error when they do not. */
final class JavaArrays {
  /** The longest array every JVM allocates (a few words below Integer.MAX_VALUE). */
  static final int MAX_LENGTH = Integer.MAX_VALUE - 16;

  private JavaArrays() {}

  /**
   * The element count of {@code e} ({@code elementSize} bytes each) if its values, and their bytes,
   * fit a Java array; otherwise a {@link CheckpointException} pointing to {@code toTensor()}.
   */
  static int checkedLength(TensorEntry e, int elementSize, Path prefix) {
    long n = e.numElements();
    if (n * Math.max(1, elementSize) > MAX_LENGTH || n * 2 > MAX_LENGTH) {
      throw tooLarge(e, prefix);
    }
    return (int) n;
  }

  /** The byte size of fixed-size tensor {@code e}, if it fits a Java array. */
  static int checkedBytes(TensorEntry e, Path prefix) {
    checkedLength(e, Dtypes.elementSize(e.dtype()), prefix);
    return (int) (e.numElements() * Dtypes.elementSize(e.dtype()));
  }

  static CheckpointException tooLarge(TensorEntry e, Path prefix) {
    return new CheckpointException(
        "tensor '" + e.name() + "' in " + prefix + " (" + e.dtypeName() + " " + e.shapeString()
            + ", " + e.sizeBytes() + " bytes) is too large for a Java array; read it with"
            + " toTensor().");
  }
}
