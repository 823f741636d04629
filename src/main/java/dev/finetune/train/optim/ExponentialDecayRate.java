package dev.finetune.train.optim;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.ExponentialDecayLearningRate;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * {@code exponential_decay_learning_rate}, as the API's {@code exponential_decay_with_burnin}:
 * {@code burnin_learning_rate} (or the initial rate when it is 0) while step < burnin_steps, then
 * {@code initial * decay_factor ^ ((step - burnin_steps) / decay_steps)} (the exponent floored when
 * staircase), never below {@code min_learning_rate}.
 */
record ExponentialDecayRate(
    float initial,
    long decaySteps,
    float decayFactor,
    boolean staircase,
    float burninRate,
    long burninSteps,
    float minRate)
    implements LearningRateSchedule {

  static ExponentialDecayRate from(ExponentialDecayLearningRate c, String path) {
    long decaySteps = Integer.toUnsignedLong(c.getDecaySteps());
    if (decaySteps == 0) {
      // The API would divide by zero: a NaN rate at step 0 and a zero rate afterwards.
      throw new ConfigException(path + ".decay_steps is 0: it must be a positive number of steps");
    }
    // As the API: a burn-in rate of 0 means "the initial rate".
    float burnin = c.getBurninLearningRate() == 0f
        ? c.getInitialLearningRate() : c.getBurninLearningRate();
    return new ExponentialDecayRate(
        c.getInitialLearningRate(),
        decaySteps,
        c.getDecayFactor(),
        c.getStaircase(),
        burnin,
        Integer.toUnsignedLong(c.getBurninSteps()),
        c.getMinLearningRate());
  }

  @Override
  public double valueAt(long step) {
    float rate;
    if (step < burninSteps) {
      rate = burninRate;
    } else {
      float p = (float) (step - burninSteps) / (float) decaySteps;
      if (staircase) {
        p = (float) Math.floor(p);
      }
      rate = initial * (float) Math.pow(decayFactor, p);
    }
    return Math.max(rate, minRate);
  }

  @Override
  public Operand<TFloat32> build(Ops tf, Operand<TInt64> globalStep) {
    Operand<TFloat32> sinceBurnin =
        tf.dtypes.cast(tf.math.sub(globalStep, tf.constant(burninSteps)), TFloat32.class);
    Operand<TFloat32> p = tf.math.div(sinceBurnin, tf.constant((float) decaySteps));
    if (staircase) {
      p = tf.math.floor(p);
    }
    Operand<TFloat32> decayed =
        tf.math.mul(tf.constant(initial), tf.math.pow(tf.constant(decayFactor), p));
    Operand<TFloat32> rate =
        tf.select(tf.math.less(globalStep, tf.constant(burninSteps)), tf.constant(burninRate), decayed);
    return tf.withName("learning_rate").math.maximum(rate, tf.constant(minRate));
  }
}
