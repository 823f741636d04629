package dev.finetune.train;

import dev.finetune.proto.TrainConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Warns once for each train_config field a user set that this trainer does not implement, and why. */
final class IgnoredFields {
  private static final Logger LOG = LoggerFactory.getLogger(IgnoredFields.class);

  private IgnoredFields() {}

  static void warn(TrainConfig t) {
    ignored(t.getSyncReplicas(), "sync_replicas", "training runs in one process");
    ignored(t.hasReplicasToAggregate() && t.getReplicasToAggregate() != 1, "replicas_to_aggregate",
        "training runs in one process");
    ignored(t.hasStartupDelaySteps(), "startup_delay_steps", "there are no distributed workers to stagger");
    ignored(t.getUseBfloat16(), "use_bfloat16", "bfloat16 is a TPU feature; training runs in float32");
    ignored(t.getBiasGradMultiplier() != 0, "bias_grad_multiplier", "not implemented (the API's TF2 trainer ignores it too)");
    ignored(t.getSummarizeGradients(), "summarize_gradients", "gradient histograms are not written");
    ignored(t.getMergeMultipleLabelBoxes(), "merge_multiple_label_boxes", "not implemented; boxes are used as given");
    ignored(t.getUseMulticlassScores(), "use_multiclass_scores", "class labels are used");
    ignored(t.getRetainOriginalImages(), "retain_original_images", "only eval uses original images");
    ignored(t.hasUnpadGroundtruthTensors() && !t.getUnpadGroundtruthTensors(), "unpad_groundtruth_tensors",
        "ground truth is always unpadded in Java before target assignment");
  }

  private static void ignored(boolean set, String field, String why) {
    if (set) {
      LOG.warn("train_config.{} is ignored: {}", field, why);
    }
  }
}
