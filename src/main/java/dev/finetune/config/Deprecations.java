package dev.finetune.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.finetune.proto.InputReader;
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
          "use fine_tune_checkpoint_type: \"detection\" (or \"classification\") instead",
          "train_config.max_number_of_boxes",
          "set max_number_of_boxes in train_input_reader instead (when both are set, the input reader's value wins; when only this one is, finetune uses it)");

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
    }
    return b.build();
  }

  /** One warning for each deprecated field that is set, anywhere in the config. */
  private static void warnDeprecatedFields(Message message, String path, List<String> warnings) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
      if (field.getOptions().getDeprecated()) {
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
