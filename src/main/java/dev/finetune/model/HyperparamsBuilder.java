package dev.finetune.model;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ConvHyperparams.BatchNormParams;
import dev.finetune.model.ConvHyperparams.Initializer;
import dev.finetune.model.ConvHyperparams.RandomNormal;
import dev.finetune.model.ConvHyperparams.Regularizer;
import dev.finetune.model.ConvHyperparams.TruncatedNormal;
import dev.finetune.model.ConvHyperparams.VarianceScaling;
import dev.finetune.proto.Hyperparams;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Hyperparams} → {@link ConvHyperparams}, as the API's TF1 {@code hyperparams_builder.build}
 * reads it for convolutions.
 */
public final class HyperparamsBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(HyperparamsBuilder.class);

  private HyperparamsBuilder() {}

  /**
   * @param at the field path of {@code config}, for messages ("model.ssd.feature_extractor.conv_hyperparams")
   */
  public static ConvHyperparams build(Hyperparams config, String at) {
    if (config.getOp() == Hyperparams.Op.FC) {
      throw new ConfigException(
          at + ".op: FC applies these hyperparameters to fully connected layers only; the SSD"
              + " convolutions need op: CONV (the default)");
    }
    if (config.getRegularizeDepthwise()) {
      LOG.warn(
          "{}.regularize_depthwise is ignored: as in the API's TF1 (slim) models, the regularizer"
              + " already applies to depthwise weights",
          at);
    }
    if (config.getForceUseBias()) {
      LOG.warn(
          "{}.force_use_bias is ignored: the API's TF1 (slim) models use no conv bias when batch"
              + " norm follows",
          at);
    }
    return new ConvHyperparams(
        activation(config.getActivation(), at),
        regularizer(config, at),
        initializer(config, at),
        batchNorm(config, at));
  }

  private static Activation activation(Hyperparams.Activation a, String at) {
    return switch (a) {
      case NONE -> Activation.NONE;
      case RELU -> Activation.RELU;
      case RELU_6 -> Activation.RELU_6;
      case SWISH -> Activation.SWISH;
      default -> throw new ConfigException(
          at + ".activation: unknown value; supported: NONE, RELU, RELU_6, SWISH");
    };
  }

  private static Optional<Regularizer> regularizer(Hyperparams config, String at) {
    var r = config.getRegularizer();
    return switch (r.getRegularizerOneofCase()) {
      case L1_REGULARIZER -> Optional.of(
          new Regularizer(Regularizer.Kind.L1, nonNegative(r.getL1Regularizer().getWeight(), at + ".regularizer.l1_regularizer.weight")));
      case L2_REGULARIZER -> Optional.of(
          new Regularizer(Regularizer.Kind.L2, nonNegative(r.getL2Regularizer().getWeight(), at + ".regularizer.l2_regularizer.weight")));
      case REGULARIZERONEOF_NOT_SET -> Optional.empty();
    };
  }

  private static float nonNegative(float w, String at) {
    if (!(w >= 0)) {
      throw new ConfigException(at + ": " + w + " must be 0 or more");
    }
    return w;
  }

  private static Initializer initializer(Hyperparams config, String at) {
    var i = config.getInitializer();
    return switch (i.getInitializerOneofCase()) {
      case TRUNCATED_NORMAL_INITIALIZER -> new TruncatedNormal(
          i.getTruncatedNormalInitializer().getMean(),
          positive(i.getTruncatedNormalInitializer().getStddev(), at + ".initializer.truncated_normal_initializer.stddev"));
      case RANDOM_NORMAL_INITIALIZER -> new RandomNormal(
          i.getRandomNormalInitializer().getMean(),
          positive(i.getRandomNormalInitializer().getStddev(), at + ".initializer.random_normal_initializer.stddev"));
      case VARIANCE_SCALING_INITIALIZER -> {
        var v = i.getVarianceScalingInitializer();
        VarianceScaling.Mode mode = switch (v.getMode()) {
          case FAN_IN -> VarianceScaling.Mode.FAN_IN;
          case FAN_OUT -> VarianceScaling.Mode.FAN_OUT;
          case FAN_AVG -> VarianceScaling.Mode.FAN_AVG;
        };
        yield new VarianceScaling(
            positive(v.getFactor(), at + ".initializer.variance_scaling_initializer.factor"),
            v.getUniform(), mode);
      }
      case INITIALIZERONEOF_NOT_SET -> throw new ConfigException(
          at + ".initializer: not set; set one of truncated_normal_initializer,"
              + " random_normal_initializer, variance_scaling_initializer");
    };
  }

  private static float positive(float v, String at) {
    if (!(v > 0)) {
      throw new ConfigException(at + ": " + v + " must be greater than 0");
    }
    return v;
  }

  private static Optional<BatchNormParams> batchNorm(Hyperparams config, String at) {
    return switch (config.getNormalizerOneofCase()) {
      case BATCH_NORM -> {
        var b = config.getBatchNorm();
        if (!(b.getDecay() >= 0 && b.getDecay() <= 1)) {
          throw new ConfigException(at + ".batch_norm.decay: " + b.getDecay() + " must be in [0, 1]");
        }
        if (!(b.getEpsilon() > 0)) {
          throw new ConfigException(
              at + ".batch_norm.epsilon: " + b.getEpsilon() + " must be greater than 0");
        }
        yield Optional.of(
            new BatchNormParams(b.getDecay(), b.getCenter(), b.getScale(), b.getEpsilon(), b.getTrain()));
      }
      case GROUP_NORM -> throw new ConfigException(
          at + ".group_norm: not supported yet (TF2 Keras models only); use batch_norm");
      case NORMALIZERONEOF_NOT_SET -> Optional.empty();
    };
  }
}
