package dev.finetune.model.backbone;

import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.SlimLayers;
import dev.finetune.proto.SsdFeatureExtractor;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The API's {@code ssd_mobilenet_v2} feature extractor (SSDLite with {@code use_depthwise}) and
 * its TF2 twin {@code ssd_mobilenet_v2_keras}: {@link MobileNetV2} up to {@code layer_19}, then the
 * extra SSD layers; the maps are {@code layer_15/expansion_output} (the expand conv of {@code
 * expanded_conv_13}), {@code layer_19} ({@code Conv_1}) and four more, {@code
 * layer_19_1_Conv2d_2_1x1_256} / {@code layer_19_2_Conv2d_2_3x3_s2_512} and so on. Variables carry
 * the TF1 names ({@code FeatureExtractor/MobilenetV2/...}) for both types.
 *
 * <p>The body runs under slim's MobileNet V2 training scope (truncated normal 0.09, L2 4e-5 on conv
 * weights only, batch norm decay 0.9997) unless {@code override_base_feature_extractor_hyperparams};
 * the extra layers under the config's {@code conv_hyperparams}. How the Keras twin differs, as the
 * API's Keras MobileNet V2 and Keras feature-map generator are built: the body's L2 also applies to
 * depthwise weights, and every batch norm (body and extra layers) trains exactly when the model
 * trains and {@code freeze_batchnorm} is off, whatever {@code batch_norm.train} says.
 */
public final class SsdMobileNetV2FeatureExtractor implements FeatureExtractor {
  public static final String TYPE = "ssd_mobilenet_v2";
  public static final String KERAS_TYPE = "ssd_mobilenet_v2_keras";
  public static final String SCOPE = EXTRACT_FEATURES_SCOPE + "/" + MobileNetV2.SCOPE_NAME;
  private static final String[] FROM_LAYER = {
    "layer_15/expansion_output", MobileNetV2.LAST_END_POINT, "", "", "", ""
  };
  private static final int[] LAYER_DEPTH = {-1, -1, 512, 256, 256, 128};

  private final String type;
  private final boolean keras;
  private final SsdExtractorConfig config;

  public SsdMobileNetV2FeatureExtractor(SsdExtractorConfig config, boolean keras) {
    this.keras = keras;
    this.type = keras ? KERAS_TYPE : TYPE;
    this.config = config.checked(type, FROM_LAYER.length);
  }

  /** {@code feature_extractor { type: "ssd_mobilenet_v2" ... }} → the extractor. */
  static SsdMobileNetV2FeatureExtractor fromConfig(SsdFeatureExtractor fe) {
    return new SsdMobileNetV2FeatureExtractor(SsdExtractorConfig.fromProto(fe, TYPE), false);
  }

  /** {@code feature_extractor { type: "ssd_mobilenet_v2_keras" ... }} → the extractor. */
  static SsdMobileNetV2FeatureExtractor fromKerasConfig(SsdFeatureExtractor fe) {
    return new SsdMobileNetV2FeatureExtractor(SsdExtractorConfig.fromProto(fe, KERAS_TYPE), true);
  }

  public SsdExtractorConfig config() {
    return config;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public String scope() {
    return SCOPE;
  }

  /** Maps [0,255] pixels to [-1,1]: (2/255)·x − 1. */
  @Override
  public Operand<TFloat32> preprocess(Ops tf, Operand<TFloat32> images) {
    return SsdExtractorInputs.scaleToMinusOneOne(tf, images);
  }

  /**
   * The feature maps, in the API's order.
   *
   * @param freezeBatchnorm {@code ssd.freeze_batchnorm}: the body's batch norm runs in inference
   *     mode while training (the TF1 extra layers, and an overriding config's body, follow {@code
   *     batch_norm.train} instead, as in the API's slim arg_scope nesting)
   */
  @Override
  public List<Operand<TFloat32>> extractFeatures(
      SlimLayers layers, Operand<TFloat32> preprocessed, boolean training, boolean freezeBatchnorm) {
    SsdExtractorInputs.checkMinImageDim(preprocessed, SsdExtractorInputs.MIN_IMAGE_DIM, type);
    Operand<TFloat32> inputs =
        SsdExtractorInputs.padToMultiple(layers, preprocessed, SCOPE, config.padToMultiple());
    ConvHyperparams hp = config.convHyperparams();
    boolean frozenOrNot = training && !freezeBatchnorm;
    boolean extrasBnTraining =
        keras ? frozenOrNot : training && hp.batchNorm().map(b -> b.train()).orElse(false);
    boolean override = config.overrideBaseHyperparams();
    boolean baseBnTraining =
        override && hp.batchNorm().isPresent() && !keras ? extrasBnTraining : frozenOrNot;
    MobileNetV2.Options options =
        new MobileNetV2.Options(
            config.depthMultiplier(),
            config.minDepth(),
            config.useExplicitPadding(),
            override ? hp : MobileNetV2.defaultHyperparams(),
            override || keras,
            baseBnTraining,
            MobileNetV2.CONV_1_DEPTH);
    Map<String, Operand<TFloat32>> endPoints =
        MobileNetV2.base(layers, inputs, SCOPE, options, MobileNetV2.LAST_END_POINT);
    return new MultiResolutionFeatureMaps(
            FROM_LAYER, LAYER_DEPTH, config.depthMultiplier(), config.minDepth(),
            config.useDepthwise(), config.useExplicitPadding())
        .build(layers, SCOPE, endPoints, config.numLayers(), hp, extrasBnTraining);
  }
}
