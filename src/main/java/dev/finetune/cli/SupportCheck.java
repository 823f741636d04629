package dev.finetune.cli;

import dev.finetune.config.ConfigException;
import dev.finetune.config.ModelConfigs;
import dev.finetune.data.augment.ImageResizers;
import dev.finetune.data.augment.Preprocessor;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What of a valid config finetune cannot run yet (a model, an augmentation, a resizer), found by
 * building the pure-Java parts without TensorFlow. validate_config shows these as warnings; training
 * refuses to start on them. Never silently skipped.
 */
final class SupportCheck {
  private SupportCheck() {}

  static List<String> unsupported(TrainEvalPipelineConfig config) {
    List<String> messages = new ArrayList<>();
    attempt(messages, () -> {
      ModelBuilder.spec(config.getModel());
      ImageResizers.fromConfig(ModelConfigs.imageResizer(config.getModel()),
          ModelConfigs.path(config.getModel(), "image_resizer"));
    });
    attempt(messages, () -> Preprocessor.fromConfig(config.getTrainConfig().getDataAugmentationOptionsList()));
    return messages;
  }

  private static void attempt(List<String> messages, Runnable build) {
    try {
      build.run();
    } catch (ConfigException e) {
      messages.add(e.getMessage());
    }
  }
}
