package dev.finetune.model.builder;

import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;

import dev.finetune.config.ConfigException;
import dev.finetune.config.ModelConfigs;
import dev.finetune.model.backbone.FeatureExtractorBuilder;
import dev.finetune.model.backbone.FeatureExtractor;
import dev.finetune.model.core.BoxCoderBuilder;
import dev.finetune.model.core.FasterRcnnBoxCoder;
import dev.finetune.model.core.LossBuilder;
import dev.finetune.model.core.PostProcessingBuilder;
import dev.finetune.model.core.TargetAssignerBuilder;
import dev.finetune.model.ssd.AnchorGeneratorBuilder;
import dev.finetune.model.ssd.BoxPredictorBuilder;
import dev.finetune.model.ssd.SsdModel;
import dev.finetune.proto.DetectionModel;
import dev.finetune.proto.ImageResizer;
import dev.finetune.proto.Ssd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** {@code model { ... }} → the {@link Detector} it describes, built into a graph. */
public final class ModelBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBuilder.class);
  static final String SUPPORTED =
      "ssd with feature_extractor.type " + String.join(", ", FeatureExtractorBuilder.SUPPORTED);

  private ModelBuilder() {}

  /**
   * @param batchSize images per batch (the graph's static batch dimension)
   * @param seed seeds the initializers and dropout
   */
  public static Detector build(
      DetectionModel config, Graph graph, int batchSize, long seed) {
    return build(config, graph, batchSize, seed, BuildMode.TRAIN);
  }

  /**
   * @param mode TRAIN: targets, losses and detections; INFERENCE (evaluation, export): detections
   *     only
   */
  public static Detector build(
      DetectionModel config, Graph graph, int batchSize, long seed, BuildMode mode) {
    return build(config, graph, batchSize, seed, mode, null);
  }

  /**
   * @param imageSource the [B,H,W,3] float [0,255] images the model reads when its {@code
   *     image_tensor} is not fed (an exporter's resized input); null for a plain placeholder
   */
  public static Detector build(
      DetectionModel config, Graph graph, int batchSize, long seed, BuildMode mode,
      Operand<TFloat32> imageSource) {
    return new SsdModel(graph, spec(config), batchSize, seed, mode, imageSource);
  }

  /**
   * Reads and checks {@code model { ... }} without building a graph: a {@link ConfigException}
   * names what finetune does not support. validate_config uses it to warn before training refuses.
   */
  public static SsdModel.Spec spec(DetectionModel config) {
    return switch (config.getModelCase()) {
      case SSD -> ssdSpec(config.getSsd());
      case MODEL_NOT_SET -> throw new ConfigException("model: empty; supported: " + SUPPORTED);
      default -> throw new ConfigException(
          "model." + config.getModelCase().name().toLowerCase() + " is not supported yet; supported: "
              + SUPPORTED);
    };
  }

  /** Reads and checks {@code model.ssd}; throws {@link ConfigException} naming the field. */
  public static SsdModel.Spec ssdSpec(Ssd ssd) {
    if (ssd.getNumClasses() < 1) {
      throw new ConfigException(
          "model.ssd.num_classes: " + ssd.getNumClasses()
              + " must be at least 1 (the foreground classes of the label map, without background)");
    }
    if (ssd.hasMaskHeadConfig()) {
      throw new ConfigException("model.ssd.mask_head_config: masks are not supported yet; remove it");
    }
    if (ssd.getInplaceBatchnormUpdate()) {
      LOG.warn(
          "model.ssd.inplace_batchnorm_update is ignored: batch norm updates run as update ops with"
              + " each training step, which computes the same values");
    }
    int[] size = imageSize(ssd.getImageResizer());
    FeatureExtractor featureExtractor =
        FeatureExtractorBuilder.build(ssd.getFeatureExtractor());
    dev.finetune.model.ssd.BoxPredictor boxPredictor =
        BoxPredictorBuilder.build(ssd.getBoxPredictor(), ssd.getNumClasses());
    FasterRcnnBoxCoder boxCoder = BoxCoderBuilder.build(ssd.getBoxCoder());
    if (boxPredictor.boxCodeSize() != FasterRcnnBoxCoder.CODE_SIZE) {
      throw new ConfigException(
          "model.ssd.box_predictor." + ssd.getBoxPredictor().getBoxPredictorOneofCase().name()
              .toLowerCase(java.util.Locale.ROOT) + ".box_code_size: "
              + boxPredictor.boxCodeSize() + " does not match the box coder's "
              + FasterRcnnBoxCoder.CODE_SIZE + " codes per box");
    }
    return new SsdModel.Spec(
        ssd.getNumClasses(),
        size[0],
        size[1],
        featureExtractor,
        boxPredictor,
        AnchorGeneratorBuilder.build(ssd.getAnchorGenerator()),
        boxCoder,
        anchors -> TargetAssignerBuilder.build(ssd, anchors),
        LossBuilder.build(
            ssd.getLoss(), ssd.getNormalizeLossByNumMatches(), ssd.getNormalizeLocLossByCodesize()),
        PostProcessingBuilder.build(ssd.getPostProcessing()),
        ssd.getFreezeBatchnorm());
  }

  /** The [height, width] of the images the model is built for, from {@code image_resizer}. */
  static int[] imageSize(ImageResizer resizer) {
    return ModelConfigs.fixedImageSize(resizer, "model.ssd.image_resizer");
  }
}
