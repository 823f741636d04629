package dev.finetune.model;

import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/** TensorFlow dtype names as Python TF prints them. */
final class DataTypes {
  private DataTypes() {}

  static String name(Class<? extends TType> type) {
    if (type == TFloat32.class) {
      return "float32";
    }
    if (type == TInt64.class) {
      return "int64";
    }
    if (type == TInt32.class) {
      return "int32";
    }
    return type.getSimpleName();
  }
}
