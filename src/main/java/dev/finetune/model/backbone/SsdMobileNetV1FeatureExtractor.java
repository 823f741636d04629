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
 * The API's {@code ssd_mobilenet_v1} feature extractor: MobileNet V1 up to Conv2d_13_pointwise and
 * the extra SSD layers, giving the feature maps {@code Conv2d_11_pointwise},
 * {@code Conv2d_13_pointwise} and four more, each a 1×1 conv then a 3×3 stride-2 conv
 * ({@code Conv2d_13_pointwise_1_Conv2d_2_1x1_256}, {@code ..._2_Conv2d_2_3x3_s2_512}, ...).
 *
 * <p>The backbone runs under MobileNet's own hyperparameters (truncated normal 0.09, L2 4e-5 on
 * weights and depthwise weights, batch norm 0.9997 / 0.001) unless
 * {@code override_base_feature_extractor_hyperparams}; the extra layers run under the config's
 * {@code conv_hyperparams}.
 */
public final class SsdMobileNetV1FeatureExtractor implements FeatureExtractor {
  public static final String TYPE = "ssd_mobilenet_v1";
  public static final String SCOPE = "FeatureExtractor/MobilenetV1";
  private static final String[] FROM_LAYER = {
    "Conv2d_11_pointwise", "Conv2d_13_pointwise", "", "", "", ""
  };
  private static final int[] LAYER_DEPTH = {-1, -1, 512, 256, 256, 128};
  /** shape_utils.check_min_image_dim(33, ...). */
  public static final int MIN_IMAGE_DIM = SsdExtractorInputs.MIN_IMAGE_DIM;

  private final SsdExtractorConfig config;

  public SsdMobileNetV1FeatureExtractor(SsdExtractorConfig config) {
    this.config = config.checked(TYPE, FROM_LAYER.length);
  }

  /** {@code feature_extractor { type: "ssd_mobilenet_v1" ... }} → the extractor; no feature pyramid. */
  static SsdMobileNetV1FeatureExtractor fromConfig(SsdFeatureExtractor fe) {
    return new SsdMobileNetV1FeatureExtractor(SsdExtractorConfig.fromProto(fe, TYPE));
  }

  public SsdExtractorConfig config() {
    return config;
  }

  @Override
  public String type() {
    return TYPE;
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
   * @param training the model is being trained (is_training)
   * @param freezeBatchnorm {@code ssd.freeze_batchnorm}: puts the backbone's batch norm in
   *     inference mode while training (the extra layers follow {@code batch_norm.train} instead,
   *     as in the API's slim arg_scope nesting)
   */
  @Override
  public List<Operand<TFloat32>> extractFeatures(
      SlimLayers layers, Operand<TFloat32> preprocessed, boolean training, boolean freezeBatchnorm) {
    SsdExtractorInputs.checkMinImageDim(preprocessed, MIN_IMAGE_DIM, TYPE);
    Operand<TFloat32> inputs =
        SsdExtractorInputs.padToMultiple(layers, preprocessed, SCOPE, config.padToMultiple());
    ConvHyperparams hp = config.convHyperparams();
    boolean extrasBnTraining = training && hp.batchNorm().map(b -> b.train()).orElse(false);
    ConvHyperparams baseHp;
    boolean baseBnTraining;
    if (config.overrideBaseHyperparams()) {
      baseHp = hp;
      baseBnTraining = extrasBnTraining;
    } else {
      baseHp = ConvHyperparams.mobilenetV1Default();
      baseBnTraining = training && !freezeBatchnorm;
    }
    Map<String, Operand<TFloat32>> endPoints =
        MobileNetV1.base(
            layers, inputs, SCOPE, config.depthMultiplier(), config.minDepth(),
            config.useExplicitPadding(), baseHp, baseBnTraining);

    return new MultiResolutionFeatureMaps(
            FROM_LAYER, LAYER_DEPTH, config.depthMultiplier(), config.minDepth(),
            config.useDepthwise(), config.useExplicitPadding())
        .build(layers, SCOPE, endPoints, config.numLayers(), hp, extrasBnTraining);
  }
}
