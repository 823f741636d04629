package dev.finetune.train.optim;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.LearningRate;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A learning rate as a function of the global step, as the Object Detection API's
 * {@code optimizer_builder._create_learning_rate} and {@code utils/learning_schedules.py} define it.
 *
 * <p>Two faces of one schedule: {@link #valueAt} in pure Java (for logs, summaries and tests) and
 * {@link #build} as graph ops (what the optimizer uses). Both follow the API's float32 arithmetic
 * operation by operation: values the API computes in Python (doubles) are computed in double and
 * rounded to float32 where TF converts them to a tensor; tensor arithmetic is float32 in both faces.
 * The only differences left are TF's own float32 {@code pow} and {@code cos} kernels against
 * {@code (float) Math.pow / Math.cos} of the same float32 arguments: an ulp or two at most.
 */
public sealed interface LearningRateSchedule
    permits ConstantRate, ExponentialDecayRate, ManualStepRate, CosineDecayRate {

  /** The rate at {@code step}, a float32 value widened to double. */
  double valueAt(long step);

  /** The rate as a float32 scalar op reading {@code globalStep}. */
  Operand<TFloat32> build(Ops tf, Operand<TInt64> globalStep);

  /**
   * The schedule of {@code config}.
   *
   * @param path the field path of {@code config} for error messages, e.g.
   *     "train_config.optimizer.momentum_optimizer.learning_rate"
   * @throws ConfigException when no schedule is set or its values cannot work
   */
  static LearningRateSchedule from(LearningRate config, String path) {
    return switch (config.getLearningRateCase()) {
      case CONSTANT_LEARNING_RATE -> ConstantRate.from(config.getConstantLearningRate());
      case EXPONENTIAL_DECAY_LEARNING_RATE -> ExponentialDecayRate.from(
          config.getExponentialDecayLearningRate(), path + ".exponential_decay_learning_rate");
      case MANUAL_STEP_LEARNING_RATE -> ManualStepRate.from(
          config.getManualStepLearningRate(), path + ".manual_step_learning_rate");
      case COSINE_DECAY_LEARNING_RATE -> CosineDecayRate.from(
          config.getCosineDecayLearningRate(), path + ".cosine_decay_learning_rate");
      case LEARNINGRATE_NOT_SET -> throw new ConfigException(
          path + " has no schedule: set one of constant_learning_rate, "
              + "exponential_decay_learning_rate, manual_step_learning_rate, "
              + "cosine_decay_learning_rate");
    };
  }
}
