package dev.finetune.model;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The activations of the API's {@code Hyperparams.activation}. */
public enum Activation {
  NONE,
  RELU,
  RELU_6,
  SWISH;

  /** Applies this activation to {@code x}. */
  public Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
    return switch (this) {
      case NONE -> x;
      case RELU -> tf.nn.relu(x);
      case RELU_6 -> tf.nn.relu6(x);
      // swish(x) = x * sigmoid(x), as tf.nn.swish.
      case SWISH -> tf.math.mul(x, tf.math.sigmoid(x));
    };
  }
}
