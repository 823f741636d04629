package dev.finetune.train.optim;

import dev.finetune.proto.ConstantLearningRate;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** {@code constant_learning_rate}: the same rate at every step. */
record ConstantRate(float rate) implements LearningRateSchedule {

  static ConstantRate from(ConstantLearningRate c) {
    return new ConstantRate(c.getLearningRate());
  }

  @Override
  public double valueAt(long step) {
    return rate;
  }

  @Override
  public Operand<TFloat32> build(Ops tf, Operand<TInt64> globalStep) {
    return tf.withName("learning_rate").constant(rate);
  }
}
