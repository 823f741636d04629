package dev.finetune.model.core;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/** The API's localization losses: per-anchor loss {@code [B, A]} from codes {@code [B, A, 4]}. */
public sealed interface LocalizationLoss {

  /**
   * Per-anchor loss. NaN targets are replaced by the prediction first ({@code ignore_nan_targets},
   * which {@code SSDMetaArch.loss} sets for localization).
   *
   * @param weights [B, A]
   */
  Operand<TFloat32> perAnchor(Ops tf, Operand<TFloat32> predictions, Operand<TFloat32> targets,
      Operand<TFloat32> weights);

  /**
   * {@code weighted_smooth_l1}: Σ_q w·huber(p − t), huber(d) = 0.5·min(|d|,δ)² + δ·(|d| − min(|d|,δ))
   * (TF's {@code huber_loss} form).
   */
  record WeightedSmoothL1(float delta) implements LocalizationLoss {
    @Override
    public Operand<TFloat32> perAnchor(Ops tf, Operand<TFloat32> predictions,
        Operand<TFloat32> targets, Operand<TFloat32> weights) {
      Operand<TFloat32> t = ignoreNan(tf, predictions, targets);
      Operand<TFloat32> absError = tf.math.abs(tf.math.sub(predictions, t));
      Operand<TFloat32> d = tf.constant(delta);
      Operand<TFloat32> quadratic = tf.math.minimum(absError, d);
      Operand<TFloat32> linear = tf.math.sub(absError, quadratic);
      Operand<TFloat32> loss = tf.math.add(
          tf.math.mul(tf.constant(0.5f), tf.math.mul(quadratic, quadratic)), tf.math.mul(d, linear));
      Operand<TFloat32> weighted = tf.math.mul(loss, tf.expandDims(weights, tf.constant(2)));
      return tf.reduceSum(weighted, tf.constant(2), ReduceSum.keepDims(false));
    }
  }

  /** {@code weighted_l2}: Σ_q 0.5·(w·(p − t))², the weight inside the square as in the API. */
  record WeightedL2() implements LocalizationLoss {
    @Override
    public Operand<TFloat32> perAnchor(Ops tf, Operand<TFloat32> predictions,
        Operand<TFloat32> targets, Operand<TFloat32> weights) {
      Operand<TFloat32> t = ignoreNan(tf, predictions, targets);
      Operand<TFloat32> diff = tf.math.mul(tf.math.sub(predictions, t),
          tf.expandDims(weights, tf.constant(2)));
      Operand<TFloat32> half = tf.math.mul(tf.constant(0.5f), tf.math.square(diff));
      return tf.reduceSum(half, tf.constant(2), ReduceSum.keepDims(false));
    }
  }

  private static Operand<TFloat32> ignoreNan(Ops tf, Operand<TFloat32> predictions,
      Operand<TFloat32> targets) {
    return tf.select(tf.math.isNan(targets), predictions, targets);
  }
}
