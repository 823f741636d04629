package dev.finetune.train.optim;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.ManualStepLearningRate;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

/**
 * {@code manual_step_learning_rate}, as the API's {@code manual_stepping}: {@code rates[i]} from
 * {@code boundaries[i]} on ({@code boundaries[0] = 0}, {@code rates[0]} the initial rate); with
 * warmup, steps before the first schedule step interpolate linearly from the initial rate to the
 * first schedule rate. The API computes those warmup rates in Python doubles and converts them to
 * float32; both faces here do the same (the graph in float64 ops, then a cast).
 */
record ManualStepRate(long[] boundaries, float[] rates, boolean warmup)
    implements LearningRateSchedule {

  static ManualStepRate from(ManualStepLearningRate c, String path) {
    List<ManualStepLearningRate.LearningRateSchedule> schedule = c.getScheduleList();
    if (schedule.isEmpty()) {
      throw new ConfigException(
          path + " has no schedule entries: add at least one `schedule { step: N learning_rate: R }`");
    }
    long[] boundaries = new long[schedule.size() + 1];
    float[] rates = new float[schedule.size() + 1];
    rates[0] = c.getInitialLearningRate();
    for (int i = 0; i < schedule.size(); i++) {
      boundaries[i + 1] = Integer.toUnsignedLong(schedule.get(i).getStep());
      rates[i + 1] = schedule.get(i).getLearningRate();
      if (boundaries[i + 1] <= boundaries[i]) {
        throw new ConfigException(
            path + ".schedule[" + i + "].step is " + boundaries[i + 1]
                + (i == 0 ? ": the first step must be greater than 0"
                    : ": steps must be strictly increasing (previous step "
                        + boundaries[i] + ")"));
      }
    }
    return new ManualStepRate(boundaries, rates, c.getWarmup());
  }

  /** The API's warmup slope, in Python doubles. */
  private double slope() {
    return ((double) rates[1] - (double) rates[0]) * 1.0 / boundaries[1];
  }

  @Override
  public double valueAt(long step) {
    if (warmup && step < boundaries[1]) {
      return (float) (rates[0] + slope() * Math.max(step, 0));
    }
    int index = 0;
    for (int i = 0; i < boundaries.length; i++) {
      if (step >= boundaries[i]) {
        index = i;
      }
    }
    return rates[index];
  }

  @Override
  public Operand<TFloat32> build(Ops tf, Operand<TInt64> globalStep) {
    // The index of the last boundary reached (0 before any), as the API's reduce_max over where().
    long[] indices = new long[boundaries.length];
    for (int i = 0; i < indices.length; i++) {
      indices[i] = i;
    }
    Operand<TInt64> reached = tf.select(
        tf.math.greaterEqual(globalStep, tf.constant(boundaries)),
        tf.constant(indices),
        tf.constant(new long[boundaries.length]));
    Operand<TInt64> index = tf.reduceMax(reached, tf.constant(0));
    Operand<TFloat32> stepped = tf.gather(tf.constant(rates), index, tf.constant(0));
    if (!warmup) {
      return tf.withName("learning_rate").identity(stepped);
    }
    Operand<TFloat64> step =
        tf.dtypes.cast(tf.math.maximum(globalStep, tf.constant(0L)), TFloat64.class);
    Operand<TFloat32> warm = tf.dtypes.cast(
        tf.math.add(tf.constant((double) rates[0]), tf.math.mul(tf.constant(slope()), step)),
        TFloat32.class);
    return tf.withName("learning_rate")
        .select(tf.math.less(globalStep, tf.constant(boundaries[1])), warm, stepped);
  }
}
