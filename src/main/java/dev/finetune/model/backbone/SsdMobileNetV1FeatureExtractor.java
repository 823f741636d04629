package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.HyperparamsBuilder;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.Padding;
import dev.finetune.model.SlimLayers;
import dev.finetune.proto.SsdFeatureExtractor;
import java.util.ArrayList;
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
  public static final int MIN_IMAGE_DIM = 33;

  /** The {@code feature_extractor} fields this extractor reads. */
  public record Config(
      float depthMultiplier,
      int minDepth,
      int padToMultiple,
      boolean useExplicitPadding,
      boolean useDepthwise,
      boolean overrideBaseHyperparams,
      ConvHyperparams convHyperparams,
      int numLayers) {}

  private final Config config;

  public SsdMobileNetV1FeatureExtractor(Config config) {
    if (config.numLayers() < 1 || config.numLayers() > FROM_LAYER.length) {
      throw new ConfigException(
          "model.ssd.feature_extractor.num_layers: " + config.numLayers()
              + " is out of range; ssd_mobilenet_v1 builds 1 to 6 feature maps");
    }
    if (!(config.depthMultiplier() > 0)) {
      throw new ConfigException(
          "model.ssd.feature_extractor.depth_multiplier: " + config.depthMultiplier()
              + " must be greater than 0 (1.0 is the full MobileNet, 0.25 a quarter of its channels)");
    }
    if (config.minDepth() < 0) {
      throw new ConfigException(
          "model.ssd.feature_extractor.min_depth: " + config.minDepth() + " must be 0 or more");
    }
    if (config.padToMultiple() < 0) {
      throw new ConfigException(
          "model.ssd.feature_extractor.pad_to_multiple: " + config.padToMultiple()
              + " must be 0 or more");
    }
    this.config = config;
  }

  /** {@code feature_extractor { type: "ssd_mobilenet_v1" ... }} → the extractor; no feature pyramid. */
  static SsdMobileNetV1FeatureExtractor fromConfig(SsdFeatureExtractor fe) {
    String at = FeatureExtractorBuilder.AT;
    if (fe.getFeaturePyramidOneofCase()
        != SsdFeatureExtractor.FeaturePyramidOneofCase.FEATUREPYRAMIDONEOF_NOT_SET) {
      throw new ConfigException(
          at + "." + fe.getFeaturePyramidOneofCase().name().toLowerCase()
              + ": feature pyramids are not supported with " + TYPE + "; remove the block");
    }
    return new SsdMobileNetV1FeatureExtractor(
        new Config(
            fe.getDepthMultiplier(),
            fe.getMinDepth(),
            fe.getPadToMultiple(),
            fe.getUseExplicitPadding(),
            fe.getUseDepthwise(),
            fe.getOverrideBaseFeatureExtractorHyperparams(),
            HyperparamsBuilder.build(fe.getConvHyperparams(), at + ".conv_hyperparams"),
            fe.getNumLayers()));
  }

  public Config config() {
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
    return tf.math.sub(tf.math.mul(tf.constant((float) (2.0 / 255.0)), images), tf.constant(1f));
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
    checkMinImageDim(preprocessed);
    Operand<TFloat32> inputs = preprocessed;
    if (config.padToMultiple() > 1) {
      long h = preprocessed.shape().get(1);
      long w = preprocessed.shape().get(2);
      inputs =
          layers.pad(
              preprocessed, SCOPE, 0, Padding.padToMultiple((int) h, config.padToMultiple()), 0,
              Padding.padToMultiple((int) w, config.padToMultiple()));
    }
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

    List<Operand<TFloat32>> maps = new ArrayList<>();
    String baseFromLayer = "";
    for (int i = 0; i < config.numLayers(); i++) {
      if (!FROM_LAYER[i].isEmpty()) {
        baseFromLayer = FROM_LAYER[i];
        maps.add(endPoints.get(FROM_LAYER[i]));
        continue;
      }
      Operand<TFloat32> pre = maps.get(maps.size() - 1);
      int d1 = depth(LAYER_DEPTH[i] / 2.0);
      String s1 = ModelScopes.join(SCOPE, extraLayerName(baseFromLayer, 1, i, "1x1", d1));
      Operand<TFloat32> net = layers.conv2d(pre, s1, d1, 1, 1, false, hp, extrasBnTraining);
      int d2 = depth(LAYER_DEPTH[i]);
      String s2 = ModelScopes.join(SCOPE, extraLayerName(baseFromLayer, 2, i, "3x3_s2", d2));
      if (config.useExplicitPadding()) {
        net = layers.fixedPadding(net, s2, 3);
      }
      boolean valid = config.useExplicitPadding();
      if (config.useDepthwise()) {
        net = layers.depthwise(net, s2 + "_depthwise", 3, 2, valid, hp, extrasBnTraining);
        net = layers.conv2d(net, s2, d2, 1, 1, false, hp, extrasBnTraining);
      } else {
        net = layers.conv2d(net, s2, d2, 3, 2, valid, hp, extrasBnTraining);
      }
      maps.add(net);
    }
    return maps;
  }

  /** "{base}_{1|2}_Conv2d_{index}_{kernel}_{depth}", as feature_map_generators names them. */
  static String extraLayerName(String base, int part, int index, String kernel, int depth) {
    return base + "_" + part + "_Conv2d_" + index + "_" + kernel + "_" + depth;
  }

  private int depth(double nominal) {
    return MobileNetV1.depth(nominal, config.depthMultiplier(), config.minDepth());
  }

  private static void checkMinImageDim(Operand<TFloat32> images) {
    long h = images.shape().get(1);
    long w = images.shape().get(2);
    if ((h >= 0 && h < MIN_IMAGE_DIM) || (w >= 0 && w < MIN_IMAGE_DIM)) {
      throw new ConfigException(
          "model.ssd.image_resizer: images of " + h + "x" + w + " are too small for "
              + TYPE + "; height and width must be at least " + MIN_IMAGE_DIM);
    }
  }
}
