package dev.finetune.model;

import java.util.Optional;

/**
 * The hyperparameters of a group of convolutions, as the API's {@code hyperparams_builder} turns a
 * {@code Hyperparams} message into a slim arg_scope: activation, weight regularizer, weight
 * initializer and (optionally) batch norm. Plain values, so layers can be built and tested without
 * protos.
 */
public record ConvHyperparams(
    Activation activation,
    Optional<Regularizer> regularizer,
    Initializer initializer,
    Optional<BatchNormParams> batchNorm) {

  /** {@code l1_regularizer} / {@code l2_regularizer}: the loss slim adds for each weight tensor. */
  public record Regularizer(Kind kind, float weight) {
    public enum Kind {
      L1,
      L2
    }
  }

  /** {@code batch_norm { decay center scale epsilon train }}. */
  public record BatchNormParams(
      float decay, boolean center, boolean scale, float epsilon, boolean train) {}

  /** The weight initializers of {@code Hyperparams.initializer}. */
  public sealed interface Initializer {}

  /** {@code truncated_normal_initializer}: draws beyond two standard deviations are redrawn. */
  public record TruncatedNormal(float mean, float stddev) implements Initializer {}

  /** {@code random_normal_initializer}. */
  public record RandomNormal(float mean, float stddev) implements Initializer {}

  /**
   * {@code variance_scaling_initializer} as slim's {@code variance_scaling_initializer} computes
   * it: n = fan_in, fan_out or their mean; uniform in ±sqrt(3·factor/n), else a truncated normal
   * with stddev sqrt(1.3·factor/n).
   */
  public record VarianceScaling(float factor, boolean uniform, Mode mode) implements Initializer {
    public enum Mode {
      FAN_IN,
      FAN_OUT,
      FAN_AVG
    }
  }

  /** These hyperparameters with another activation (an explicit {@code activation_fn=...}). */
  public ConvHyperparams withActivation(Activation other) {
    return new ConvHyperparams(other, regularizer, initializer, batchNorm);
  }

  /**
   * A slim conv with {@code activation_fn=None, normalizer_fn=None}: these weights, a bias, no
   * batch norm, no activation.
   */
  public ConvHyperparams linear() {
    return new ConvHyperparams(Activation.NONE, regularizer, initializer, Optional.empty());
  }

  /**
   * The backbone's own scope, {@code mobilenet_v1_arg_scope(is_training=None,
   * regularize_depthwise=True)}: truncated normal 0.09, L2 4e-5 on weights and depthwise weights,
   * ReLU6, batch norm decay 0.9997, epsilon 0.001, center and scale.
   */
  public static ConvHyperparams mobilenetV1Default() {
    return new ConvHyperparams(
        Activation.RELU_6,
        Optional.of(new Regularizer(Regularizer.Kind.L2, 4e-5f)),
        new TruncatedNormal(0f, 0.09f),
        Optional.of(new BatchNormParams(0.9997f, true, true, 0.001f, true)));
  }

  /**
   * slim's {@code resnet_arg_scope()}: variance scaling (factor 2, fan in, truncated normal), L2
   * 1e-4 on conv weights, ReLU, batch norm decay 0.997, epsilon 1e-5, center and scale.
   */
  public static ConvHyperparams resnetDefault() {
    return new ConvHyperparams(
        Activation.RELU,
        Optional.of(new Regularizer(Regularizer.Kind.L2, 1e-4f)),
        new VarianceScaling(2f, false, VarianceScaling.Mode.FAN_IN),
        Optional.of(new BatchNormParams(0.997f, true, true, 1e-5f, true)));
  }
}
