package dev.finetune.train.optim;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.CosineDecayLearningRate;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * {@code cosine_decay_learning_rate}, as the API's {@code cosine_decay_with_warmup}: linear from
 * {@code warmup_learning_rate} to the base rate over {@code warmup_steps}, the base rate held up to
 * and including step {@code warmup_steps + hold_base_rate_steps}, then
 * {@code 0.5 * base * (1 + cos(pi * (step - warmup - hold) / (total - warmup - hold)))}, and 0 after
 * {@code total_steps}.
 */
record CosineDecayRate(float base, long totalSteps, float warmupRate, long warmupSteps, long holdSteps)
    implements LearningRateSchedule {

  static CosineDecayRate from(CosineDecayLearningRate c, String path) {
    long total = Integer.toUnsignedLong(c.getTotalSteps());
    long warmup = Integer.toUnsignedLong(c.getWarmupSteps());
    long hold = Integer.toUnsignedLong(c.getHoldBaseRateSteps());
    if (total < warmup) {
      throw new ConfigException(path + ".total_steps (" + total + ") is less than warmup_steps ("
          + warmup + "): make total_steps at least warmup_steps");
    }
    if (total == warmup && hold == 0) {
      // The API divides 0 by 0 at step total_steps: a NaN learning rate.
      throw new ConfigException(path + ".total_steps equals warmup_steps (" + total
          + ") with no hold_base_rate_steps: the API's cosine is NaN at that step; make total_steps"
          + " larger than warmup_steps");
    }
    if (warmup > 0 && c.getLearningRateBase() < c.getWarmupLearningRate()) {
      throw new ConfigException(path + ".learning_rate_base (" + c.getLearningRateBase()
          + ") is less than warmup_learning_rate (" + c.getWarmupLearningRate()
          + "): the warmup must rise to the base rate");
    }
    return new CosineDecayRate(
        c.getLearningRateBase(), total, c.getWarmupLearningRate(), warmup, hold);
  }

  /** The API's warmup slope, in Python doubles. */
  private double slope() {
    return ((double) base - (double) warmupRate) / warmupSteps;
  }

  /** The API's {@code float(total_steps - warmup_steps - hold_base_rate_steps)}. */
  private float decaySteps() {
    return (float) (double) (totalSteps - warmupSteps - holdSteps);
  }

  @Override
  public double valueAt(long step) {
    if (step > totalSteps) {
      return 0f;
    }
    if (warmupSteps > 0 && step < warmupSteps) {
      return (float) slope() * (float) step + warmupRate;
    }
    if (holdSteps > 0 && step <= warmupSteps + holdSteps) {
      return base;
    }
    float x = (float) step - (float) warmupSteps - (float) holdSteps;
    float cos = (float) Math.cos((float) Math.PI * x / decaySteps());
    return (float) (0.5 * base) * (1f + cos);
  }

  @Override
  public Operand<TFloat32> build(Ops tf, Operand<TInt64> globalStep) {
    Operand<TFloat32> step = tf.dtypes.cast(globalStep, TFloat32.class);
    Operand<TFloat32> x = tf.math.sub(
        tf.math.sub(step, tf.constant((float) warmupSteps)), tf.constant((float) holdSteps));
    Operand<TFloat32> angle =
        tf.math.div(tf.math.mul(tf.constant((float) Math.PI), x), tf.constant(decaySteps()));
    Operand<TFloat32> rate = tf.math.mul(
        tf.constant((float) (0.5 * base)), tf.math.add(tf.constant(1f), tf.math.cos(angle)));
    if (holdSteps > 0) {
      rate = tf.select(
          tf.math.greater(globalStep, tf.constant(warmupSteps + holdSteps)), rate, tf.constant(base));
    }
    if (warmupSteps > 0) {
      Operand<TFloat32> warm = tf.math.add(
          tf.math.mul(tf.constant((float) slope()), step), tf.constant(warmupRate));
      rate = tf.select(tf.math.less(globalStep, tf.constant(warmupSteps)), warm, rate);
    }
    return tf.withName("learning_rate")
        .select(tf.math.greater(globalStep, tf.constant(totalSteps)), tf.constant(0f), rate);
  }
}
