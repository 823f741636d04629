package dev.finetune.model.core;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.Loss;
import java.util.Locale;

/**
 * Builds {@link SsdLoss.Settings} from {@code model.ssd.loss} and the SSD normalization flags, as the
 * API's {@code losses_builder} does (0 in {@code num_hard_examples} / {@code
 * max_negatives_per_positive} means "none"; the miner's BOTH weights are the loss weights).
 */
public final class LossBuilder {
  static final String PATH = "model.ssd.loss";

  private LossBuilder() {}

  public static SsdLoss.Settings build(Loss config, boolean normalizeLossByNumMatches,
      boolean normalizeLocLossByCodesize) {
    LocalizationLoss loc = localization(config.getLocalizationLoss());
    ClassificationLoss cls = classification(config.getClassificationLoss());
    HardExampleMiner miner = null;
    if (config.hasHardExampleMiner()) {
      if (cls instanceof ClassificationLoss.WeightedSigmoidFocal) {
        throw new ConfigException(PATH + ": hard_example_miner cannot be used with weighted_sigmoid_focal"
            + " (the API refuses it too); remove one of them");
      }
      miner = miner(config.getHardExampleMiner(), config.getClassificationWeight(),
          config.getLocalizationWeight());
    }
    if (config.hasRandomExampleSampler()) {
      throw new ConfigException(PATH + ".random_example_sampler is not supported; remove it");
    }
    if (config.getExpectedLossWeights() != Loss.ExpectedLossWeights.NONE) {
      throw new ConfigException(PATH + ".expected_loss_weights " + config.getExpectedLossWeights()
          + " is not supported; supported: NONE");
    }
    if (config.hasEqualizationLoss() && config.getEqualizationLoss().getWeight() != 0f) {
      throw new ConfigException(PATH + ".equalization_loss is not supported; remove it");
    }
    return new SsdLoss.Settings(loc, cls, miner, config.getClassificationWeight(),
        config.getLocalizationWeight(), normalizeLossByNumMatches, normalizeLocLossByCodesize);
  }

  static LocalizationLoss localization(dev.finetune.proto.LocalizationLoss c) {
    String p = PATH + ".localization_loss";
    switch (c.getLocalizationLossCase()) {
      case WEIGHTED_SMOOTH_L1:
        if (!(c.getWeightedSmoothL1().getDelta() > 0)) {
          throw new ConfigException(p + ".weighted_smooth_l1.delta must be > 0, got "
              + c.getWeightedSmoothL1().getDelta());
        }
        return new LocalizationLoss.WeightedSmoothL1(c.getWeightedSmoothL1().getDelta());
      case WEIGHTED_L2:
        return new LocalizationLoss.WeightedL2();
      case LOCALIZATIONLOSS_NOT_SET:
        throw new ConfigException(p + " is empty: set weighted_smooth_l1 {} or weighted_l2 {}");
      default:
        throw new ConfigException(p + "." + c.getLocalizationLossCase().name().toLowerCase(Locale.ROOT)
            + " is not supported; supported: weighted_smooth_l1, weighted_l2");
    }
  }

  static ClassificationLoss classification(dev.finetune.proto.ClassificationLoss c) {
    String p = PATH + ".classification_loss";
    switch (c.getClassificationLossCase()) {
      case WEIGHTED_SIGMOID:
        return new ClassificationLoss.WeightedSigmoid();
      case WEIGHTED_SOFTMAX:
        if (!(c.getWeightedSoftmax().getLogitScale() > 0)) {
          throw new ConfigException(p + ".weighted_softmax.logit_scale must be > 0, got "
              + c.getWeightedSoftmax().getLogitScale());
        }
        return new ClassificationLoss.WeightedSoftmax(c.getWeightedSoftmax().getLogitScale());
      case WEIGHTED_SIGMOID_FOCAL: {
        var f = c.getWeightedSigmoidFocal();
        if (f.getGamma() < 0) {
          throw new ConfigException(p + ".weighted_sigmoid_focal.gamma must be >= 0, got " + f.getGamma());
        }
        return new ClassificationLoss.WeightedSigmoidFocal(f.getGamma(),
            f.hasAlpha() ? Float.valueOf(f.getAlpha()) : null);
      }
      case CLASSIFICATIONLOSS_NOT_SET:
        throw new ConfigException(p + " is empty: set weighted_sigmoid {}, weighted_softmax {} or"
            + " weighted_sigmoid_focal {}");
      default:
        throw new ConfigException(p + "." + c.getClassificationLossCase().name().toLowerCase(Locale.ROOT)
            + " is not supported; supported: weighted_sigmoid, weighted_softmax, weighted_sigmoid_focal");
    }
  }

  static HardExampleMiner miner(dev.finetune.proto.HardExampleMiner c, float clsWeight,
      float locWeight) {
    String p = PATH + ".hard_example_miner";
    if (!(c.getIouThreshold() >= 0 && c.getIouThreshold() <= 1)) {
      throw new ConfigException(p + ".iou_threshold must be in [0, 1], got " + c.getIouThreshold());
    }
    if (c.getMinNegativesPerImage() < 0) {
      throw new ConfigException(p + ".min_negatives_per_image must be >= 0, got "
          + c.getMinNegativesPerImage());
    }
    HardExampleMiner.LossType type = switch (c.getLossType()) {
      case BOTH -> HardExampleMiner.LossType.BOTH;
      case CLASSIFICATION -> HardExampleMiner.LossType.CLASSIFICATION;
      case LOCALIZATION -> HardExampleMiner.LossType.LOCALIZATION;
      default -> throw new ConfigException(p + ".loss_type " + c.getLossType()
          + " is not supported; supported: BOTH, CLASSIFICATION, LOCALIZATION");
    };
    return new HardExampleMiner(new HardExampleMiner.Settings(Math.max(0, c.getNumHardExamples()),
        c.getIouThreshold(), type, clsWeight, locWeight,
        Math.max(0, c.getMaxNegativesPerPositive()), c.getMinNegativesPerImage()));
  }
}
