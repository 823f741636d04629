package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.model.HyperparamsBuilder;
import dev.finetune.proto.SsdFeatureExtractor;
import java.util.List;

/** {@code model.ssd.feature_extractor} → the feature extractor it names. */
public final class FeatureExtractorBuilder {
  /** The types finetune builds. */
  public static final List<String> SUPPORTED = List.of(SsdMobileNetV1FeatureExtractor.TYPE);

  private static final String AT = "model.ssd.feature_extractor";

  private FeatureExtractorBuilder() {}

  public static SsdMobileNetV1FeatureExtractor build(SsdFeatureExtractor config) {
    String type = config.getType();
    if (!SsdMobileNetV1FeatureExtractor.TYPE.equals(type)) {
      throw new ConfigException(
          AT + ".type: '" + type + "' is not supported yet; supported: " + String.join(", ", SUPPORTED));
    }
    if (config.getFeaturePyramidOneofCase() != SsdFeatureExtractor.FeaturePyramidOneofCase.FEATUREPYRAMIDONEOF_NOT_SET) {
      throw new ConfigException(
          AT + "." + config.getFeaturePyramidOneofCase().name().toLowerCase()
              + ": feature pyramids are not supported with " + type + "; remove the block");
    }
    if (!config.hasConvHyperparams()) {
      throw new ConfigException(AT + ".conv_hyperparams: required, missing");
    }
    return new SsdMobileNetV1FeatureExtractor(
        new SsdMobileNetV1FeatureExtractor.Config(
            config.getDepthMultiplier(),
            config.getMinDepth(),
            config.getPadToMultiple(),
            config.getUseExplicitPadding(),
            config.getUseDepthwise(),
            config.getOverrideBaseFeatureExtractorHyperparams(),
            HyperparamsBuilder.build(config.getConvHyperparams(), AT + ".conv_hyperparams"),
            config.getNumLayers()));
  }
}
