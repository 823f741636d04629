package dev.finetune.model.backbone;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.HyperparamsBuilder;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import dev.finetune.proto.SsdFeatureExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The API's {@code ssd_resnet{50,101,152}_v1_fpn} feature extractors (RetinaNet; and their Keras
 * twins {@code ..._keras}, built as the same slim network here): the ResNet V1 body under
 * {@code FeatureExtractor/resnet_v1_N} whose {@code block1..block4} are pyramid levels 2 to 5, the
 * FPN top-down pathway over levels {@code min_level..min(max_level, 5)} under
 * {@code FeatureExtractor/resnet_v1_N/fpn}, then 3×3 stride-2 convs {@code bottom_up_block5, 6,
 * ...} up to {@code max_level}. Inputs are VGG-style: the channel means subtracted.
 *
 * <p>The body runs under slim's {@code resnet_arg_scope()} unless
 * {@code override_base_feature_extractor_hyperparams}; the pyramid under the config's
 * {@code conv_hyperparams}.
 */
public final class SsdResNetV1FpnFeatureExtractor implements FeatureExtractor {
  /** check_min_image_dim(129, ...). */
  public static final int MIN_IMAGE_DIM = 129;
  private static final float[] CHANNEL_MEANS = {123.68f, 116.779f, 103.939f};
  private static final int LOWEST_LEVEL = 2;
  private static final int HIGHEST_BASE_LEVEL = 5;

  private final String type;
  private final int depthLayers;
  private final SsdFeatureExtractor fe;
  private final FeaturePyramid.Levels levels;
  private final ConvHyperparams hp;

  private SsdResNetV1FpnFeatureExtractor(String type, int depthLayers, SsdFeatureExtractor fe) {
    BackboneInput.checkCommonFields(fe);
    if (fe.getUseExplicitPadding()) {
      throw new ConfigException(FeatureExtractorBuilder.AT + ".use_explicit_padding: not a valid"
          + " option for " + type + " (the API refuses it too); remove it");
    }
    this.type = type;
    this.depthLayers = depthLayers;
    this.fe = fe;
    this.levels = FeaturePyramid.Levels.fromConfig(fe, type, LOWEST_LEVEL, HIGHEST_BASE_LEVEL);
    this.hp = HyperparamsBuilder.build(
        fe.getConvHyperparams(), FeatureExtractorBuilder.AT + ".conv_hyperparams");
  }

  /** The factory of {@code ssd_resnet<layers>_v1_fpn} (keras: its {@code _keras} twin). */
  static java.util.function.Function<SsdFeatureExtractor, FeatureExtractor> factory(
      int layers, boolean keras) {
    String type = typeName(layers, keras);
    return fe -> new SsdResNetV1FpnFeatureExtractor(type, layers, fe);
  }

  static String typeName(int layers, boolean keras) {
    return "ssd_resnet" + layers + "_v1_fpn" + (keras ? "_keras" : "");
  }

  public FeaturePyramid.Levels levels() {
    return levels;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public String scope() {
    return ModelScopes.join(EXTRACT_FEATURES_SCOPE, "resnet_v1_" + depthLayers);
  }

  /** VGG-style: x − [123.68, 116.779, 103.939] per channel. */
  @Override
  public Operand<TFloat32> preprocess(Ops tf, Operand<TFloat32> images) {
    return tf.math.sub(images, tf.constant(Shape.of(1, 1, 3), DataBuffers.of(CHANNEL_MEANS)));
  }

  @Override
  public List<Operand<TFloat32>> extractFeatures(
      SlimLayers layers, Operand<TFloat32> preprocessed, boolean training, boolean freezeBatchnorm) {
    BackboneInput.checkMinImageDim(preprocessed, MIN_IMAGE_DIM, type);
    String scope = scope();
    Operand<TFloat32> inputs =
        BackboneInput.padToMultiple(layers, preprocessed, scope, fe.getPadToMultiple());
    boolean fpnBnTraining = training && hp.batchNorm().map(b -> b.train()).orElse(false);
    boolean override = fe.getOverrideBaseFeatureExtractorHyperparams();
    Map<String, Operand<TFloat32>> blocks = ResNetV1.base(
        layers, inputs, scope, ResNetV1.unitsPerBlock(depthLayers), fe.getDepthMultiplier(),
        fe.getMinDepth(), override ? hp : ConvHyperparams.resnetDefault(),
        override ? fpnBnTraining : training && !freezeBatchnorm);

    int baseMax = Math.min(levels.maxLevel(), HIGHEST_BASE_LEVEL);
    List<Operand<TFloat32>> features = new ArrayList<>();
    for (int level = levels.minLevel(); level <= baseMax; level++) {
      features.add(blocks.get("block" + (level - 1)));
    }
    String fpnScope = ModelScopes.join(scope, "fpn");
    int depth = Math.max(
        (int) (levels.additionalLayerDepth() * (double) fe.getDepthMultiplier()), fe.getMinDepth());
    // The API's ResNet FPN ignores use_depthwise and has no explicit padding.
    var convs = new FeaturePyramid.Convs(depth, false, false, hp, fpnBnTraining);
    List<Operand<TFloat32>> maps =
        new ArrayList<>(FeaturePyramid.topDown(layers, fpnScope, features, baseMax, convs));
    maps.addAll(FeaturePyramid.coarserLevels(
        layers, maps.get(maps.size() - 1), levels.maxLevel() - baseMax,
        i -> ModelScopes.join(fpnScope, "bottom_up_block" + (baseMax + i)), convs));
    return maps;
  }
}
