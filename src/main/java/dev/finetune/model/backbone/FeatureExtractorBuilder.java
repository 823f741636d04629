package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.SsdFeatureExtractor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code model.ssd.feature_extractor} → the feature extractor its {@code type} names, as the API's
 * {@code SSD_FEATURE_EXTRACTOR_CLASS_MAP}: a new backbone is one class and one entry here.
 */
public final class FeatureExtractorBuilder {
  static final String AT = "model.ssd.feature_extractor";

  private static final Map<String, Function<SsdFeatureExtractor, FeatureExtractor>> BY_TYPE =
      Map.ofEntries(
          Map.entry(SsdMobileNetV1FeatureExtractor.TYPE, SsdMobileNetV1FeatureExtractor::fromConfig),
          Map.entry(SsdMobileNetV2FeatureExtractor.TYPE, SsdMobileNetV2FeatureExtractor::fromConfig),
          Map.entry(
              SsdMobileNetV2FeatureExtractor.KERAS_TYPE,
              SsdMobileNetV2FeatureExtractor::fromKerasConfig),
          Map.entry(
              SsdMobileNetV1FpnFeatureExtractor.TYPE, SsdMobileNetV1FpnFeatureExtractor::fromConfig),
          Map.entry(
              SsdMobileNetV1FpnFeatureExtractor.KERAS_TYPE,
              SsdMobileNetV1FpnFeatureExtractor::fromKerasConfig),
          Map.entry(
              SsdResNetV1FpnFeatureExtractor.typeName(50, false),
              SsdResNetV1FpnFeatureExtractor.factory(50, false)),
          Map.entry(
              SsdResNetV1FpnFeatureExtractor.typeName(50, true),
              SsdResNetV1FpnFeatureExtractor.factory(50, true)),
          Map.entry(
              SsdResNetV1FpnFeatureExtractor.typeName(101, false),
              SsdResNetV1FpnFeatureExtractor.factory(101, false)),
          Map.entry(
              SsdResNetV1FpnFeatureExtractor.typeName(101, true),
              SsdResNetV1FpnFeatureExtractor.factory(101, true)),
          Map.entry(
              SsdResNetV1FpnFeatureExtractor.typeName(152, false),
              SsdResNetV1FpnFeatureExtractor.factory(152, false)),
          Map.entry(
              SsdResNetV1FpnFeatureExtractor.typeName(152, true),
              SsdResNetV1FpnFeatureExtractor.factory(152, true)));

  /** The types finetune builds, sorted. */
  public static final List<String> SUPPORTED = BY_TYPE.keySet().stream().sorted().toList();

  private FeatureExtractorBuilder() {}

  public static FeatureExtractor build(SsdFeatureExtractor config) {
    Function<SsdFeatureExtractor, FeatureExtractor> factory = BY_TYPE.get(config.getType());
    if (factory == null) {
      throw new ConfigException(
          AT + ".type: '" + config.getType() + "' is not supported yet; supported: "
              + String.join(", ", SUPPORTED));
    }
    if (!config.hasConvHyperparams()) {
      throw new ConfigException(AT + ".conv_hyperparams: required, missing");
    }
    return factory.apply(config);
  }
}
