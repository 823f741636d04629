package dev.finetune.model.core;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;

/**
 * The API's classification losses, reduced to one loss per anchor {@code [B, A]} (the SSD loss sums
 * the class dimension in every path: {@code reduce_sum_trailing_dimensions} before mining, a full sum
 * without it).
 */
public sealed interface ClassificationLoss {

  /**
   * Per-anchor loss.
   *
   * @param logits [B, A, C]
   * @param targets [B, A, C] one-hot
   * @param weights [B, A] (the API's [B, A, C] weights hold the same value in every column)
   */
  Operand<TFloat32> perAnchor(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets,
      Operand<TFloat32> weights);

  /** {@code weighted_sigmoid}: Σ_c w·CE_sigmoid(x, z), the background column included. */
  record WeightedSigmoid() implements ClassificationLoss {
    @Override
    public Operand<TFloat32> perAnchor(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets,
        Operand<TFloat32> weights) {
      Operand<TFloat32> perEntry = tf.math.mul(sigmoidCrossEntropy(tf, logits, targets),
          tf.expandDims(weights, tf.constant(2)));
      return tf.reduceSum(perEntry, tf.constant(2), ReduceSum.keepDims(false));
    }
  }

  /**
   * {@code weighted_softmax}: w·CE_softmax(x / logit_scale, z) per anchor.
   */
  record WeightedSoftmax(float logitScale) implements ClassificationLoss {
    @Override
    public Operand<TFloat32> perAnchor(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets,
        Operand<TFloat32> weights) {
      Operand<TFloat32> scaled = tf.math.div(logits, tf.constant(logitScale));
      long c = logits.shape().get(2);
      Operand<TFloat32> flatLogits = tf.reshape(scaled, tf.constant(new long[] {-1, c}));
      Operand<TFloat32> flatTargets = tf.reshape(targets, tf.constant(new long[] {-1, c}));
      Operand<TFloat32> ce = tf.nn.softmaxCrossEntropyWithLogits(flatLogits, flatTargets).loss();
      return tf.math.mul(tf.reshape(ce, tf.shape(weights)), weights);
    }
  }

  /**
   * {@code weighted_sigmoid_focal}: Σ_c (1 − p_t)^γ · α_t · CE_sigmoid · w, with α_t = 1 when alpha is
   * unset (null).
   */
  record WeightedSigmoidFocal(float gamma, Float alpha) implements ClassificationLoss {
    @Override
    public Operand<TFloat32> perAnchor(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> targets,
        Operand<TFloat32> weights) {
      Operand<TFloat32> ce = sigmoidCrossEntropy(tf, logits, targets);
      Operand<TFloat32> p = tf.math.sigmoid(logits);
      Operand<TFloat32> one = tf.constant(1f);
      Operand<TFloat32> pT = tf.math.add(tf.math.mul(targets, p),
          tf.math.mul(tf.math.sub(one, targets), tf.math.sub(one, p)));
      // The API's order: (modulating_factor * alpha_weight_factor) * cross_entropy.
      Operand<TFloat32> factor = null;
      if (gamma != 0f) {
        factor = tf.math.pow(tf.math.sub(one, pT), tf.constant(gamma));
      }
      if (alpha != null) {
        Operand<TFloat32> alphaT = tf.math.add(tf.math.mul(targets, tf.constant(alpha)),
            tf.math.mul(tf.math.sub(one, targets), tf.constant((float) (1.0 - alpha))));
        factor = factor == null ? alphaT : tf.math.mul(factor, alphaT);
      }
      Operand<TFloat32> loss = factor == null ? ce : tf.math.mul(factor, ce);
      Operand<TFloat32> perEntry = tf.math.mul(loss, tf.expandDims(weights, tf.constant(2)));
      return tf.reduceSum(perEntry, tf.constant(2), ReduceSum.keepDims(false));
    }
  }

  /**
   * TF's {@code sigmoid_cross_entropy_with_logits}: max(x, 0) − x·z + log1p(exp(−|x|)), the
   * numerically stable form.
   */
  static Operand<TFloat32> sigmoidCrossEntropy(Ops tf, Operand<TFloat32> logits,
      Operand<TFloat32> targets) {
    Operand<TFloat32> zeros = tf.zerosLike(logits);
    Operand<TFloat32> relu = tf.select(tf.math.greaterEqual(logits, zeros), logits, zeros);
    Operand<TFloat32> negAbs = tf.select(tf.math.greaterEqual(logits, zeros), tf.math.neg(logits),
        logits);
    return tf.math.add(tf.math.sub(relu, tf.math.mul(logits, targets)),
        tf.math.log1p(tf.math.exp(negAbs)));
  }
}
