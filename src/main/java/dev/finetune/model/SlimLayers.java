package dev.finetune.model;

import dev.finetune.model.ConvHyperparams.BatchNormParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Convolution layers with the semantics of tf_slim's {@code conv2d} / {@code separable_conv2d}
 * under an arg_scope built from {@link ConvHyperparams}: no bias when batch norm follows, variables
 * {@code <scope>/weights}, {@code <scope>/depthwise_weights}, {@code <scope>/biases},
 * {@code <scope>/BatchNorm/{gamma,beta,moving_mean,moving_variance}}.
 *
 * <p>Variables come from the shared {@link VariableStore}; the computation goes into this branch's
 * own scopes, so a training branch and an inference branch can share one set of weights. Batch
 * norm in training mode normalizes with the batch statistics and records the moving-average
 * updates in {@link #updateOps()} (the API's UPDATE_OPS), which the trainer runs with each step.
 */
public final class SlimLayers {
  private final VariableStore store;
  private final ModelScopes compute;
  private final List<Op> updateOps = new ArrayList<>();
  private final long seed;
  private int seedCounter;

  public SlimLayers(VariableStore store, ModelScopes compute, long seed) {
    this.store = store;
    this.compute = compute;
    this.seed = seed;
  }

  public Ops ops(String scope) {
    return compute.at(scope);
  }

  public VariableStore store() {
    return store;
  }

  /** Batch-norm moving-statistics updates of the training-mode layers built so far. */
  public List<Op> updateOps() {
    return Collections.unmodifiableList(updateOps);
  }

  /**
   * slim.conv2d under {@code hp}: weights [k,k,Cin,depth], then batch norm (when {@code hp} has
   * it, in training mode when {@code bnTraining}) or a zero bias, then {@code hp}'s activation.
   */
  public Operand<TFloat32> conv2d(
      Operand<TFloat32> x,
      String scope,
      int depth,
      int kernel,
      int stride,
      boolean valid,
      ConvHyperparams hp,
      boolean bnTraining) {
    long cin = channels(x);
    Operand<TFloat32> w =
        store.weights(
            scope, "weights", new long[] {kernel, kernel, cin, depth}, hp.initializer(),
            hp.regularizer());
    Ops tf = compute.at(scope);
    Operand<TFloat32> y =
        tf.nn.conv2d(x, w, List.of(1L, (long) stride, (long) stride, 1L), valid ? "VALID" : "SAME");
    return normalizeAndActivate(y, scope, hp, bnTraining, depth);
  }

  /**
   * slim.separable_conv2d with no pointwise part (num_outputs None), channel multiplier 1:
   * {@code <scope>/depthwise_weights} [k,k,Cin,1], then batch norm or bias, then activation. The
   * regularizer applies to the depthwise weights, as slim's weights_regularizer does.
   */
  public Operand<TFloat32> depthwise(
      Operand<TFloat32> x,
      String scope,
      int kernel,
      int stride,
      boolean valid,
      ConvHyperparams hp,
      boolean bnTraining) {
    long cin = channels(x);
    Operand<TFloat32> w =
        store.weights(
            scope, "depthwise_weights", new long[] {kernel, kernel, cin, 1}, hp.initializer(),
            hp.regularizer());
    Ops tf = compute.at(scope);
    Operand<TFloat32> y =
        tf.nn.depthwiseConv2dNative(
            x, w, List.of(1L, (long) stride, (long) stride, 1L), valid ? "VALID" : "SAME");
    return normalizeAndActivate(y, scope, hp, bnTraining, (int) cin);
  }

  /**
   * A prediction conv (slim.conv2d with activation_fn=None, normalizer_fn=None): SAME, stride 1,
   * weights from {@code hp}, biases starting at {@code biasInit}.
   */
  public Operand<TFloat32> linearConv2d(
      Operand<TFloat32> x, String scope, int depth, int kernel, ConvHyperparams hp, float biasInit) {
    long cin = channels(x);
    Operand<TFloat32> w =
        store.weights(
            scope, "weights", new long[] {kernel, kernel, cin, depth}, hp.initializer(),
            hp.regularizer());
    Operand<TFloat32> b = store.constant(scope, "biases", new long[] {depth}, biasInit, true);
    Ops tf = compute.at(scope);
    return tf.nn.biasAdd(tf.nn.conv2d(x, w, List.of(1L, 1L, 1L, 1L), "SAME"), b);
  }

  /**
   * slim.separable_conv2d with {@code num_outputs} (depth multiplier 1): {@code
   * <scope>/depthwise_weights} [k,k,Cin,1] then {@code <scope>/pointwise_weights} [1,1,Cin,depth]
   * (both regularized, as slim's weights_regularizer), then batch norm or bias, then activation.
   */
  public Operand<TFloat32> separableConv2d(
      Operand<TFloat32> x,
      String scope,
      int depth,
      int kernel,
      int stride,
      boolean valid,
      ConvHyperparams hp,
      boolean bnTraining) {
    Operand<TFloat32> y = convWithoutBias(x, scope, depth, kernel, stride, valid, hp, true);
    return normalizeAndActivate(y, scope, hp, bnTraining, depth);
  }

  /**
   * The convolution alone (slim with {@code normalizer_fn=tf.identity}: no bias, no batch norm, no
   * activation): full ({@code <scope>/weights}) or separable ({@code depthwise_weights} +
   * {@code pointwise_weights}).
   */
  public Operand<TFloat32> convWithoutBias(
      Operand<TFloat32> x,
      String scope,
      int depth,
      int kernel,
      int stride,
      boolean valid,
      ConvHyperparams hp,
      boolean separable) {
    long cin = channels(x);
    List<Long> strides = List.of(1L, (long) stride, (long) stride, 1L);
    String padding = valid ? "VALID" : "SAME";
    if (!separable) {
      Operand<TFloat32> w =
          store.weights(
              scope, "weights", new long[] {kernel, kernel, cin, depth}, hp.initializer(),
              hp.regularizer());
      return compute.at(scope).nn.conv2d(x, w, strides, padding);
    }
    Operand<TFloat32> dw =
        store.weights(
            scope, "depthwise_weights", new long[] {kernel, kernel, cin, 1}, hp.initializer(),
            hp.regularizer());
    Operand<TFloat32> pw =
        store.weights(
            scope, "pointwise_weights", new long[] {1, 1, cin, depth}, hp.initializer(),
            hp.regularizer());
    Ops tf = compute.at(scope);
    // tf.nn.separable_conv2d: the depthwise conv, then a 1x1 VALID conv.
    Operand<TFloat32> y = tf.nn.depthwiseConv2dNative(x, dw, strides, padding);
    return tf.nn.conv2d(y, pw, List.of(1L, 1L, 1L, 1L), "VALID");
  }

  /** A trainable {@code <scope>/biases} of the channel count, starting at {@code init}, added. */
  public Operand<TFloat32> bias(Operand<TFloat32> x, String scope, float init) {
    Operand<TFloat32> b = store.constant(scope, "biases", new long[] {channels(x)}, init, true);
    return compute.at(scope).nn.biasAdd(x, b);
  }

  /**
   * slim.batch_norm on its own, its variables directly under {@code scope} (e.g. the weight-shared
   * predictor's {@code .../conv2d_0/BatchNorm/feature_3}).
   */
  public Operand<TFloat32> batchNorm(
      Operand<TFloat32> x, String scope, BatchNormParams params, boolean training) {
    return batchNorm(x, scope, params, training, (int) channels(x));
  }

  /** slim.max_pool2d. */
  public Operand<TFloat32> maxPool(
      Operand<TFloat32> x, String scope, int kernel, int stride, boolean valid) {
    return compute.at(scope).nn.maxPool(
        x, compute.at(scope).constant(new int[] {1, kernel, kernel, 1}),
        compute.at(scope).constant(new int[] {1, stride, stride, 1}), valid ? "VALID" : "SAME");
  }

  /** The API's {@code fixed_padding}: kernel−1 zeros split around both spatial axes. */
  public Operand<TFloat32> fixedPadding(Operand<TFloat32> x, String scope, int kernel) {
    int[] p = Padding.fixedPads(kernel, 1);
    return pad(x, scope, p[0], p[1], p[0], p[1]);
  }

  /** Zero padding of the spatial axes. */
  public Operand<TFloat32> pad(
      Operand<TFloat32> x, String scope, int top, int bottom, int left, int right) {
    Ops tf = compute.at(scope);
    int[][] pads = {{0, 0}, {top, bottom}, {left, right}, {0, 0}};
    return tf.pad(x, tf.constant(pads), tf.constant(0f));
  }

  /** slim.dropout in training mode: inverted dropout keeping each value with {@code keepProb}. */
  public Operand<TFloat32> dropout(Operand<TFloat32> x, String scope, float keepProb) {
    Ops tf = compute.at(scope);
    Operand<TFloat32> u =
        tf.random.randomUniform(
            tf.shape(x), TFloat32.class, RandomUniform.seed(seed), RandomUniform.seed2((long) ++seedCounter));
    Operand<TFloat32> keep = tf.math.floor(tf.math.add(u, tf.constant(keepProb)));
    return tf.math.mul(tf.math.div(x, tf.constant(keepProb)), keep);
  }

  private Operand<TFloat32> normalizeAndActivate(
      Operand<TFloat32> y, String scope, ConvHyperparams hp, boolean bnTraining, int depth) {
    if (hp.batchNorm().isPresent()) {
      y = batchNorm(y, ModelScopes.join(scope, "BatchNorm"), hp.batchNorm().get(), bnTraining, depth);
    } else {
      Operand<TFloat32> b = store.constant(scope, "biases", new long[] {depth}, 0f, true);
      y = compute.at(scope).nn.biasAdd(y, b);
    }
    return hp.activation().apply(compute.at(scope), y);
  }

  /**
   * slim.batch_norm. Inference: gamma·(x−mm)/sqrt(mv+eps)+beta. Training: the batch mean and the
   * biased batch variance, and the updates mm −= (mm−mean)(1−decay), mv −= (mv−var)(1−decay).
   */
  private Operand<TFloat32> batchNorm(
      Operand<TFloat32> x, String scope, BatchNormParams p, boolean training, int depth) {
    long[] shape = {depth};
    Operand<TFloat32> beta =
        p.center() ? store.constant(scope, "beta", shape, 0f, true) : null;
    Operand<TFloat32> gamma =
        p.scale() ? store.constant(scope, "gamma", shape, 1f, true) : null;
    Operand<TFloat32> movingMean = store.constant(scope, "moving_mean", shape, 0f, false);
    Operand<TFloat32> movingVariance = store.constant(scope, "moving_variance", shape, 1f, false);
    Ops tf = compute.at(scope);
    if (gamma == null) {
      gamma = tf.fill(tf.constant(new int[] {depth}), tf.constant(1f));
    }
    if (beta == null) {
      beta = tf.fill(tf.constant(new int[] {depth}), tf.constant(0f));
    }
    if (!training) {
      // slim's non-fused form, tf.nn.batch_normalization: x·inv + (beta − mean·inv) with
      // inv = gamma·rsqrt(var + eps); same rounding as the API's graph.
      Operand<TFloat32> inv =
          tf.math.mul(tf.math.rsqrt(tf.math.add(movingVariance, tf.constant(p.epsilon()))), gamma);
      return tf.math.add(
          tf.math.mul(x, inv), tf.math.sub(beta, tf.math.mul(movingMean, inv)));
    }
    // slim's non-fused form (the API's MobileNet extractors build it): tf.nn.moments, the mean
    // then the mean squared difference from it (the biased variance), then the same affine form as
    // inference. The fused kernel computes the variance in another order: 5e-5 relative on the
    // losses of the API's reference runs instead of 6e-7.
    Operand<TInt32> axes = tf.constant(new int[] {0, 1, 2});
    Operand<TFloat32> mean = tf.math.mean(x, axes, Mean.keepDims(true));
    Operand<TFloat32> variance =
        tf.math.mean(
            tf.math.squaredDifference(x, tf.stopGradient(mean)), axes, Mean.keepDims(true));
    Operand<TInt32> vector = tf.constant(new int[] {depth});
    Operand<TFloat32> batchMean = tf.reshape(mean, vector);
    Operand<TFloat32> biased = tf.reshape(variance, vector);
    Operand<TFloat32> inv =
        tf.math.mul(tf.math.rsqrt(tf.math.add(biased, tf.constant(p.epsilon()))), gamma);
    float rate = (float) (1.0 - (double) p.decay());
    updateOps.add(movingAverage(tf, ModelScopes.join(scope, "moving_mean"), movingMean, batchMean, rate));
    updateOps.add(
        movingAverage(tf, ModelScopes.join(scope, "moving_variance"), movingVariance, biased, rate));
    return tf.math.add(tf.math.mul(x, inv), tf.math.sub(beta, tf.math.mul(batchMean, inv)));
  }

  private Op movingAverage(
      Ops tf, String variableName, Operand<TFloat32> current, Operand<TFloat32> value, float rate) {
    Operand<TFloat32> delta = tf.math.mul(tf.math.sub(current, value), tf.constant(rate));
    return tf.assignSub(store.ref(variableName), delta);
  }

  static long channels(Operand<TFloat32> x) {
    Shape s = x.shape();
    long c = s.get(s.numDimensions() - 1);
    if (c < 0) {
      throw new IllegalArgumentException("the channel count of " + x + " must be static");
    }
    return c;
  }
}
