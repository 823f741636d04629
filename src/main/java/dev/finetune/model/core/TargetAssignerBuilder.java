package dev.finetune.model.core;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.Ssd;

/**
 * Builds the SSD target assigner from {@code model.ssd}: {@code similarity_calculator}, {@code
 * matcher}, {@code box_coder}, {@code num_classes}, {@code encode_background_as_zeros}, {@code
 * negative_class_weight}, {@code add_background_class}.
 */
public final class TargetAssignerBuilder {
  private TargetAssignerBuilder() {}

  public static SsdTargetAssigner build(Ssd ssd, Anchors anchors) {
    if (ssd.getNumClasses() < 1) {
      throw new ConfigException("model.ssd.num_classes must be >= 1 (foreground classes, without"
          + " background), got " + ssd.getNumClasses());
    }
    if (!ssd.getAddBackgroundClass() || ssd.getExplicitBackgroundClass()) {
      throw new ConfigException("model.ssd: add_background_class: false / explicit_background_class:"
          + " true are not supported; supported: add_background_class: true (the stock setting)");
    }
    if (ssd.getUseConfidencesAsTargets()) {
      throw new ConfigException("model.ssd.use_confidences_as_targets is not supported; remove it");
    }
    if (!(ssd.getNegativeClassWeight() >= 0)) {
      throw new ConfigException("model.ssd.negative_class_weight must be >= 0, got "
          + ssd.getNegativeClassWeight());
    }
    MatcherBuilder.checkSimilarity(ssd.getSimilarityCalculator());
    return new SsdTargetAssigner(anchors, MatcherBuilder.build(ssd.getMatcher()),
        BoxCoderBuilder.build(ssd.getBoxCoder()), ssd.getNumClasses(),
        ssd.getEncodeBackgroundAsZeros(), ssd.getNegativeClassWeight());
  }
}
