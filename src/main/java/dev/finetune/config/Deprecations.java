package dev.finetune.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.LearningRate;
import dev.finetune.proto.ManualStepLearningRate;
import dev.finetune.proto.Optimizer;
import dev.finetune.proto.TrainConfig;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.util.List;
import java.util.Map;

/**
 * Applies the Object Detection API's rules for deprecated fields, so the rest of finetune reads only
 * the current ones; adds one warning per deprecated field that the config sets.
 */
final class Deprecations {
  /** Advice for deprecated fields that have a replacement; others get a generic line. */
  private static final Map<String, String> ADVICE =
      Map.of(
          "train_config.from_detection_checkpoint",
          "use fine_tune_checkpoint_type: \"detection\" (or \"classification\") instead");

  /**
   * Handled with a more precise warning of their own (every TF2 stock config sets
   * max_number_of_boxes in train_config, so a warning is only worth it when it changes something).
   */
  private static final java.util.Set<String> WARNED_ELSEWHERE =
      java.util.Set.of("train_config.max_number_of_boxes");

  private Deprecations() {}

  static TrainEvalPipelineConfig resolve(TrainEvalPipelineConfig config, List<String> warnings) {
    warnDeprecatedFields(config, "", warnings);
    TrainEvalPipelineConfig.Builder b = config.toBuilder();
    TrainConfig.Builder train = b.getTrainConfigBuilder();
    if (train.getFineTuneCheckpointType().isEmpty()) {
      // The API's rule (model_lib.py / model_lib_v2.py): the deprecated boolean decides.
      train.setFineTuneCheckpointType(train.getFromDetectionCheckpoint() ? "detection" : "classification");
    }
    if (train.hasMaxNumberOfBoxes() && b.hasTrainInputReader()) {
      InputReader.Builder reader = b.getTrainInputReaderBuilder();
      if (!reader.hasMaxNumberOfBoxes()) {
        reader.setMaxNumberOfBoxes(train.getMaxNumberOfBoxes());
      }
      if (reader.getMaxNumberOfBoxes() != train.getMaxNumberOfBoxes()) {
        warnings.add("train_config.max_number_of_boxes (" + train.getMaxNumberOfBoxes()
            + ") is deprecated and differs from train_input_reader.max_number_of_boxes ("
            + reader.getMaxNumberOfBoxes() + "): the input reader's value is used.");
      }
    }
    acceptZeroFirstScheduleStep(train.getOptimizerBuilder(), warnings);
    return b.build();
  }

  /**
   * Older API versions accepted a manual schedule whose first step is 0 (it then replaced
   * initial_learning_rate), and a dozen stock Faster R-CNN configs still have one; the current API
   * refuses them ("First step cannot be zero"). finetune keeps the old meaning, with a warning.
   */
  private static void acceptZeroFirstScheduleStep(Optimizer.Builder optimizer, List<String> warnings) {
    String path = "train_config.optimizer.";
    LearningRate.Builder rate;
    switch (optimizer.getOptimizerCase()) {
      case MOMENTUM_OPTIMIZER -> {
        rate = optimizer.getMomentumOptimizerBuilder().getLearningRateBuilder();
        path += "momentum_optimizer";
      }
      case RMS_PROP_OPTIMIZER -> {
        rate = optimizer.getRmsPropOptimizerBuilder().getLearningRateBuilder();
        path += "rms_prop_optimizer";
      }
      case ADAM_OPTIMIZER -> {
        rate = optimizer.getAdamOptimizerBuilder().getLearningRateBuilder();
        path += "adam_optimizer";
      }
      default -> {
        return;
      }
    }
    if (!rate.hasManualStepLearningRate()) {
      return;
    }
    ManualStepLearningRate.Builder manual = rate.getManualStepLearningRateBuilder();
    if (manual.getScheduleCount() > 0 && manual.getSchedule(0).getStep() == 0) {
      float first = manual.getSchedule(0).getLearningRate();
      warnings.add(path + ".learning_rate.manual_step_learning_rate.schedule[0] has step 0: read"
          + " as the rate from the start (" + first + ", replacing initial_learning_rate "
          + manual.getInitialLearningRate() + ") as older API versions did; the current API"
          + " rejects it (\"First step cannot be zero\"), so drop that entry and set"
          + " initial_learning_rate instead.");
      manual.setInitialLearningRate(first).removeSchedule(0);
    }
  }

  /** One warning for each deprecated field that is set, anywhere in the config. */
  private static void warnDeprecatedFields(Message message, String path, List<String> warnings) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
      if (field.getOptions().getDeprecated() && !WARNED_ELSEWHERE.contains(fieldPath)) {
        warnings.add(
            fieldPath + " is deprecated: "
                + ADVICE.getOrDefault(fieldPath, "the Object Detection API no longer uses it")
                + ".");
      }
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.isRepeated()) {
        List<?> list = (List<?>) e.getValue();
        for (int i = 0; i < list.size(); i++) {
          warnDeprecatedFields((Message) list.get(i), fieldPath + "[" + i + "]", warnings);
        }
      } else {
        warnDeprecatedFields((Message) e.getValue(), fieldPath, warnings);
      }
    }
  }
}
