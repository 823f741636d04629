package dev.finetune.config;

import dev.finetune.proto.DetectionModel;
import dev.finetune.proto.ImageResizer;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.LearningRate;
import dev.finetune.proto.Optimizer;
import dev.finetune.proto.TrainConfig;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a config will do, in the words a user checks before a long run: model, classes, image size,
 * fine-tune checkpoint and type, frozen / updated variables, steps, batch size, optimizer and
 * learning-rate schedule, inputs. Printed by validate_config and at the start of training.
 */
public final class ConfigSummary {
  private ConfigSummary() {}

  /** Ordered label → value lines. */
  public static Map<String, String> of(TrainEvalPipelineConfig config) {
    Map<String, String> s = new LinkedHashMap<>();
    DetectionModel model = config.getModel();
    TrainConfig train = config.getTrainConfig();
    s.put("model", modelName(model));
    s.put("classes", String.valueOf(numClasses(model)));
    s.put("image size", resizer(imageResizer(model)));
    s.put("fine-tune checkpoint", train.getFineTuneCheckpoint().isEmpty()
        ? "(none: training from scratch)" : train.getFineTuneCheckpoint());
    s.put("fine-tune type", restoreWhat(train));
    s.put("frozen (freeze_variables)", patterns(train.getFreezeVariablesList(), "(none)"));
    s.put("updated (update_trainable_variables)",
        patterns(train.getUpdateTrainableVariablesList(), "(all trainable variables)"));
    s.put("steps", train.getNumSteps() == 0 ? "0 (train until stopped)" : String.valueOf(train.getNumSteps()));
    s.put("batch size", String.valueOf(train.getBatchSize()));
    s.put("optimizer", optimizer(train.getOptimizer()));
    s.put("learning rate", learningRate(learningRateOf(train.getOptimizer())));
    s.put("augmentations", String.valueOf(train.getDataAugmentationOptionsCount() == 0 ? "(none)"
        : augmentations(train)));
    if (config.hasTrainInputReader()) {
      s.put("train input", inputs(config.getTrainInputReader()));
      s.put("train label map", orNone(config.getTrainInputReader().getLabelMapPath()));
    }
    for (int i = 0; i < config.getEvalInputReaderCount(); i++) {
      String suffix = config.getEvalInputReaderCount() == 1 ? "" : " [" + i + "]";
      s.put("eval input" + suffix, inputs(config.getEvalInputReader(i)));
      s.put("eval label map" + suffix, orNone(config.getEvalInputReader(i).getLabelMapPath()));
    }
    return s;
  }

  /** The summary as aligned text lines. */
  public static List<String> lines(TrainEvalPipelineConfig config) {
    Map<String, String> s = of(config);
    int width = s.keySet().stream().mapToInt(String::length).max().orElse(0);
    List<String> out = new ArrayList<>();
    s.forEach((k, v) -> out.add(String.format("  %-" + width + "s  %s", k, v)));
    return out;
  }

  static String modelName(DetectionModel model) {
    if (model.getModelCase() == DetectionModel.ModelCase.MODEL_NOT_SET) {
      return "(none)";
    }
    if (!ModelConfigs.hasStandardFields(model)) {
      return "experimental_model " + model.getExperimentalModel().getName();
    }
    return ModelConfigs.architecture(model) + ", feature extractor " + ModelConfigs.featureExtractorType(model)
        + (model.hasSsd()
            ? " (depth_multiplier " + model.getSsd().getFeatureExtractor().getDepthMultiplier() + ")"
            : "");
  }

  private static int numClasses(DetectionModel model) {
    return ModelConfigs.hasStandardFields(model) ? ModelConfigs.numClasses(model) : 0;
  }

  private static ImageResizer imageResizer(DetectionModel model) {
    return ModelConfigs.hasStandardFields(model)
        ? ModelConfigs.imageResizer(model)
        : ImageResizer.getDefaultInstance();
  }

  private static String resizer(ImageResizer r) {
    return switch (r.getImageResizerOneofCase()) {
      case FIXED_SHAPE_RESIZER -> r.getFixedShapeResizer().getHeight() + "x"
          + r.getFixedShapeResizer().getWidth() + " (fixed_shape_resizer)";
      case KEEP_ASPECT_RATIO_RESIZER -> "shorter side " + r.getKeepAspectRatioResizer().getMinDimension()
          + ", longer side at most " + r.getKeepAspectRatioResizer().getMaxDimension()
          + (r.getKeepAspectRatioResizer().getPadToMaxDimension() ? ", padded to square" : "")
          + " (keep_aspect_ratio_resizer)";
      default -> r.getImageResizerOneofCase().name().toLowerCase();
    };
  }

  private static String restoreWhat(TrainConfig train) {
    String type = train.getFineTuneCheckpointType();
    String what = switch (type) {
      case "detection" -> train.getLoadAllDetectionCheckpointVars()
          ? "all variables of a detection checkpoint (load_all_detection_checkpoint_vars)"
          : "the feature extractor of a detection checkpoint";
      case "classification" -> "the backbone of an image-classification checkpoint"
          + " (names without the FeatureExtractor/ scope)";
      case "full" -> "the whole model";
      default -> "?";
    };
    String source = train.hasFromDetectionCheckpoint()
        ? " [resolved from deprecated from_detection_checkpoint: " + train.getFromDetectionCheckpoint() + "]"
        : "";
    return type + ": " + what + source;
  }

  private static String patterns(List<String> patterns, String none) {
    return patterns.isEmpty() ? none : String.join(", ", patterns);
  }

  private static String optimizer(Optimizer o) {
    String name = switch (o.getOptimizerCase()) {
      case MOMENTUM_OPTIMIZER -> "momentum (" + o.getMomentumOptimizer().getMomentumOptimizerValue() + ")";
      case RMS_PROP_OPTIMIZER -> "rms_prop (momentum " + o.getRmsPropOptimizer().getMomentumOptimizerValue()
          + ", decay " + o.getRmsPropOptimizer().getDecay() + ", epsilon "
          + o.getRmsPropOptimizer().getEpsilon() + ")";
      case ADAM_OPTIMIZER -> "adam (epsilon " + o.getAdamOptimizer().getEpsilon() + ")";
      default -> o.getOptimizerCase().name().toLowerCase();
    };
    return name + (o.getUseMovingAverage() ? ", moving average " + o.getMovingAverageDecay() : "");
  }

  private static LearningRate learningRateOf(Optimizer o) {
    return switch (o.getOptimizerCase()) {
      case MOMENTUM_OPTIMIZER -> o.getMomentumOptimizer().getLearningRate();
      case RMS_PROP_OPTIMIZER -> o.getRmsPropOptimizer().getLearningRate();
      case ADAM_OPTIMIZER -> o.getAdamOptimizer().getLearningRate();
      default -> LearningRate.getDefaultInstance();
    };
  }

  private static String learningRate(LearningRate r) {
    return switch (r.getLearningRateCase()) {
      case CONSTANT_LEARNING_RATE -> "constant " + r.getConstantLearningRate().getLearningRate();
      case EXPONENTIAL_DECAY_LEARNING_RATE -> {
        var e = r.getExponentialDecayLearningRate();
        yield "exponential decay from " + e.getInitialLearningRate() + ", x" + e.getDecayFactor()
            + " every " + e.getDecaySteps() + " steps" + (e.getStaircase() ? " (staircase)" : "")
            + (e.getBurninSteps() > 0 ? ", burn-in " + e.getBurninLearningRate() + " for "
                + e.getBurninSteps() + " steps" : "")
            + (e.getMinLearningRate() > 0 ? ", min " + e.getMinLearningRate() : "");
      }
      case MANUAL_STEP_LEARNING_RATE -> {
        var m = r.getManualStepLearningRate();
        StringBuilder sb = new StringBuilder("manual steps: " + m.getInitialLearningRate());
        m.getScheduleList().forEach(e -> sb.append(", ").append(e.getLearningRate())
            .append(" from step ").append(e.getStep()));
        yield sb + (m.getWarmup() ? " (linear warmup)" : "");
      }
      case COSINE_DECAY_LEARNING_RATE -> {
        var c = r.getCosineDecayLearningRate();
        yield "cosine decay from " + c.getLearningRateBase() + " over " + c.getTotalSteps() + " steps"
            + (c.getWarmupSteps() > 0 ? ", warmup from " + c.getWarmupLearningRate() + " for "
                + c.getWarmupSteps() + " steps" : "")
            + (c.getHoldBaseRateSteps() > 0 ? ", hold " + c.getHoldBaseRateSteps() + " steps" : "");
      }
      default -> r.getLearningRateCase().name().toLowerCase();
    };
  }

  private static String augmentations(TrainConfig train) {
    List<String> names = new ArrayList<>();
    train.getDataAugmentationOptionsList()
        .forEach(step -> names.add(step.getPreprocessingStepCase().name().toLowerCase()));
    return String.join(", ", names);
  }

  private static String inputs(InputReader reader) {
    List<String> paths = reader.getTfRecordInputReader().getInputPathList();
    return paths.isEmpty() ? "(none)" : String.join(", ", paths);
  }

  private static String orNone(String s) {
    return s.isEmpty() ? "(none)" : s;
  }
}
