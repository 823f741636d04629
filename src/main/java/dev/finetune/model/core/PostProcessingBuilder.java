package dev.finetune.model.core;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.BatchNonMaxSuppression;
import dev.finetune.proto.PostProcessing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds {@link PostProcessor.Settings} from {@code model.ssd.post_processing}. */
public final class PostProcessingBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(PostProcessingBuilder.class);
  static final String PATH = "model.ssd.post_processing";

  private PostProcessingBuilder() {}

  public static PostProcessor.Settings build(PostProcessing config) {
    PostProcessor.ScoreConverter converter = switch (config.getScoreConverter()) {
      case IDENTITY -> PostProcessor.ScoreConverter.IDENTITY;
      case SIGMOID -> PostProcessor.ScoreConverter.SIGMOID;
      case SOFTMAX -> PostProcessor.ScoreConverter.SOFTMAX;
      default -> throw new ConfigException(PATH + ".score_converter " + config.getScoreConverter()
          + " is not supported; supported: IDENTITY, SIGMOID, SOFTMAX");
    };
    if (config.hasCalibrationConfig()) {
      throw new ConfigException(PATH + ".calibration_config is not supported; remove it");
    }
    BatchNonMaxSuppression n = config.getBatchNonMaxSuppression();
    String p = PATH + ".batch_non_max_suppression";
    String problem = PostProcessor.Settings.problem(config.getLogitScale(), n.getIouThreshold(),
        n.getMaxDetectionsPerClass(), n.getMaxTotalDetections());
    if (problem != null) {
      throw new ConfigException(PATH + "." + problem);
    }
    if (n.getSoftNmsSigma() < 0) {
      throw new ConfigException(p + ".soft_nms_sigma must be >= 0, got " + n.getSoftNmsSigma());
    }
    if (n.getSoftNmsSigma() > 0) {
      throw new ConfigException(p + ".soft_nms_sigma " + n.getSoftNmsSigma()
          + " (soft NMS) is not supported; supported: 0 (hard NMS)");
    }
    if (n.getUseClassAgnosticNms()) {
      throw new ConfigException(p + ".use_class_agnostic_nms is not supported; supported: false"
          + " (per-class NMS)");
    }
    if (n.getUseCombinedNms()) {
      throw new ConfigException(p + ".use_combined_nms is not supported; supported: false");
    }
    if (n.hasMaxClassesPerDetection() && n.getMaxClassesPerDetection() != 1) {
      LOG.warn("{}.max_classes_per_detection is ignored: it only applies to class-agnostic NMS", p);
    }
    if (n.getUseStaticShapes() || n.getUsePartitionedNms() || n.getUseCpuNms() || n.getUseHardNms()) {
      LOG.warn("{}: use_static_shapes / use_partitioned_nms / use_cpu_nms / use_hard_nms are ignored:"
          + " finetune always runs hard per-class NMS with static output shapes on the graph's device,"
          + " which gives the same detections", p);
    }
    return new PostProcessor.Settings(converter, config.getLogitScale(), n.getScoreThreshold(),
        n.getIouThreshold(), n.getMaxDetectionsPerClass(), n.getMaxTotalDetections(),
        n.getChangeCoordinateFrame());
  }
}
