package dev.finetune.model.backbone;

import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.HyperparamsBuilder;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import dev.finetune.proto.SsdFeatureExtractor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The API's {@code ssd_mobilenet_v1_fpn} feature extractor (and its Keras twin
 * {@code ssd_mobilenet_v1_fpn_keras}, the same network): MobileNet V1 up to
 * {@code Conv2d_13_pointwise}, whose {@code Conv2d_3/5/11/13_pointwise} are pyramid levels 2 to 5;
 * the FPN top-down pathway over levels {@code min_level..min(max_level, 5)} under
 * {@code FeatureExtractor/MobilenetV1/fpn}, then stride-2 convs {@code bottom_up_Conv2d_14, 15,
 * ...} up to {@code max_level}. Depth {@code additional_layer_depth} × depth multiplier. With
 * {@code use_depthwise} the FPN convs are separable and the body's last two layers are 512 and
 * 256 deep.
 */
public final class SsdMobileNetV1FpnFeatureExtractor implements FeatureExtractor {
  public static final String TYPE = "ssd_mobilenet_v1_fpn";
  public static final String KERAS_TYPE = "ssd_mobilenet_v1_fpn_keras";
  private static final String[] LEVEL_BLOCKS = {
    "Conv2d_3_pointwise", "Conv2d_5_pointwise", "Conv2d_11_pointwise", "Conv2d_13_pointwise"
  };
  private static final int LOWEST_LEVEL = 2;
  private static final int HIGHEST_BASE_LEVEL = 5;

  private final String type;
  private final SsdFeatureExtractor fe;
  private final FeaturePyramid.Levels levels;
  private final ConvHyperparams hp;

  private SsdMobileNetV1FpnFeatureExtractor(String type, SsdFeatureExtractor fe) {
    BackboneInput.checkCommonFields(fe);
    this.type = type;
    this.fe = fe;
    this.levels =
        FeaturePyramid.Levels.fromConfig(fe, type, LOWEST_LEVEL, HIGHEST_BASE_LEVEL);
    this.hp = HyperparamsBuilder.build(
        fe.getConvHyperparams(), FeatureExtractorBuilder.AT + ".conv_hyperparams");
  }

  static SsdMobileNetV1FpnFeatureExtractor fromConfig(SsdFeatureExtractor fe) {
    return new SsdMobileNetV1FpnFeatureExtractor(TYPE, fe);
  }

  static SsdMobileNetV1FpnFeatureExtractor fromKerasConfig(SsdFeatureExtractor fe) {
    return new SsdMobileNetV1FpnFeatureExtractor(KERAS_TYPE, fe);
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
    return SsdMobileNetV1FeatureExtractor.SCOPE;
  }

  /** Maps [0,255] pixels to [-1,1]: (2/255)·x − 1. */
  @Override
  public Operand<TFloat32> preprocess(Ops tf, Operand<TFloat32> images) {
    return tf.math.sub(tf.math.mul(tf.constant((float) (2.0 / 255.0)), images), tf.constant(1f));
  }

  @Override
  public List<Operand<TFloat32>> extractFeatures(
      SlimLayers layers, Operand<TFloat32> preprocessed, boolean training, boolean freezeBatchnorm) {
    BackboneInput.checkMinImageDim(preprocessed, SsdMobileNetV1FeatureExtractor.MIN_IMAGE_DIM, type);
    String scope = scope();
    Operand<TFloat32> inputs =
        BackboneInput.padToMultiple(layers, preprocessed, scope, fe.getPadToMultiple());
    boolean fpnBnTraining = training && hp.batchNorm().map(b -> b.train()).orElse(false);
    ConvHyperparams baseHp =
        fe.getOverrideBaseFeatureExtractorHyperparams() ? hp : ConvHyperparams.mobilenetV1Default();
    boolean baseBnTraining =
        fe.getOverrideBaseFeatureExtractorHyperparams() ? fpnBnTraining : training && !freezeBatchnorm;
    Map<String, Operand<TFloat32>> endPoints = MobileNetV1.base(
        layers, inputs, scope, fe.getDepthMultiplier(), fe.getMinDepth(),
        fe.getUseExplicitPadding(), baseHp, baseBnTraining,
        fe.getUseDepthwise() ? MobileNetV1.fpnDepthwiseDefs() : MobileNetV1.CONV_DEFS);

    int baseMax = Math.min(levels.maxLevel(), HIGHEST_BASE_LEVEL);
    List<Operand<TFloat32>> blocks = new ArrayList<>();
    for (int level = levels.minLevel(); level <= baseMax; level++) {
      blocks.add(endPoints.get(LEVEL_BLOCKS[level - LOWEST_LEVEL]));
    }
    String fpnScope = ModelScopes.join(scope, "fpn");
    var convs = new FeaturePyramid.Convs(
        MobileNetV1.depth(levels.additionalLayerDepth(), fe.getDepthMultiplier(), fe.getMinDepth()),
        fe.getUseDepthwise(), fe.getUseExplicitPadding(), hp, fpnBnTraining);
    List<Operand<TFloat32>> maps =
        new ArrayList<>(FeaturePyramid.topDown(layers, fpnScope, blocks, baseMax, convs));
    maps.addAll(FeaturePyramid.coarserLevels(
        layers, maps.get(maps.size() - 1), levels.maxLevel() - baseMax,
        i -> ModelScopes.join(fpnScope, "bottom_up_Conv2d_" + (14 + i)), convs));
    return maps;
  }
}
