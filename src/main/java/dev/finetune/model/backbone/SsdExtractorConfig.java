package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.HyperparamsBuilder;
import dev.finetune.proto.SsdFeatureExtractor;

/**
 * The {@code feature_extractor} fields every single-scale SSD extractor (the API's {@code
 * SSDFeatureExtractor} constructor arguments) reads, checked once.
 */
public record SsdExtractorConfig(
    float depthMultiplier,
    int minDepth,
    int padToMultiple,
    boolean useExplicitPadding,
    boolean useDepthwise,
    boolean overrideBaseHyperparams,
    ConvHyperparams convHyperparams,
    int numLayers) {

  /**
   * Checks the values for an extractor of {@code type} that builds at most {@code maxMaps} maps.
   *
   * @throws ConfigException naming the field
   */
  public SsdExtractorConfig checked(String type, int maxMaps) {
    String at = FeatureExtractorBuilder.AT;
    if (numLayers < 1 || numLayers > maxMaps) {
      throw new ConfigException(
          at + ".num_layers: " + numLayers + " is out of range; " + type + " builds 1 to "
              + maxMaps + " feature maps");
    }
    if (!(depthMultiplier > 0)) {
      throw new ConfigException(
          at + ".depth_multiplier: " + depthMultiplier
              + " must be greater than 0 (1.0 is the full MobileNet, 0.25 a quarter of its channels)");
    }
    if (minDepth < 0) {
      throw new ConfigException(at + ".min_depth: " + minDepth + " must be 0 or more");
    }
    if (padToMultiple < 0) {
      throw new ConfigException(
          at + ".pad_to_multiple: " + padToMultiple + " must be 0 or more");
    }
    return this;
  }

  /**
   * {@code feature_extractor { ... }} → its fields; refuses a feature pyramid block, which a
   * single-scale extractor of {@code type} does not read.
   */
  public static SsdExtractorConfig fromProto(SsdFeatureExtractor fe, String type) {
    String at = FeatureExtractorBuilder.AT;
    if (fe.getFeaturePyramidOneofCase()
        != SsdFeatureExtractor.FeaturePyramidOneofCase.FEATUREPYRAMIDONEOF_NOT_SET) {
      throw new ConfigException(
          at + "." + fe.getFeaturePyramidOneofCase().name().toLowerCase()
              + ": feature pyramids are not supported with " + type + "; remove the block");
    }
    return new SsdExtractorConfig(
        fe.getDepthMultiplier(),
        fe.getMinDepth(),
        fe.getPadToMultiple(),
        fe.getUseExplicitPadding(),
        fe.getUseDepthwise(),
        fe.getOverrideBaseFeatureExtractorHyperparams(),
        HyperparamsBuilder.build(fe.getConvHyperparams(), at + ".conv_hyperparams"),
        fe.getNumLayers());
  }
}
