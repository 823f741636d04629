package dev.finetune.config;

import dev.finetune.proto.DetectionModel;
import dev.finetune.proto.ImageResizer;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.LearningRate;
import dev.finetune.proto.ManualStepLearningRate;
import dev.finetune.proto.Optimizer;
import dev.finetune.proto.TrainConfig;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Semantic checks that text-format parsing cannot make: ranges, allowed values, regexes, schedules.
 * Each problem is one line naming where it is ({@code file:line:col: field.path}), what is wrong and
 * what to write instead. Checks of files on disk are a later step
 * ({@code preflight.Preflight}).
 */
final class ConfigValidator {
  static final Set<String> CHECKPOINT_TYPES = Set.of("detection", "classification", "full");

  private final SourceLocator locator;
  private final List<String> problems;

  private ConfigValidator(SourceLocator locator, List<String> problems) {
    this.locator = locator;
    this.problems = problems;
  }

  static void validate(TrainEvalPipelineConfig config, SourceLocator locator, List<String> problems) {
    new ConfigValidator(locator, problems).check(config);
  }

  private void check(TrainEvalPipelineConfig config) {
    checkModel(config.getModel());
    checkTrain(config.getTrainConfig());
    if (config.hasTrainInputReader()) {
      checkReader(config.getTrainInputReader(), "train_input_reader");
    }
    for (int i = 0; i < config.getEvalInputReaderCount(); i++) {
      checkReader(config.getEvalInputReader(i), "eval_input_reader[" + i + "]");
    }
  }

  private void problem(String path, String message) {
    problems.add(locator.where(path) + ": " + message);
  }

  private void checkModel(DetectionModel model) {
    if (model.getModelCase() == DetectionModel.ModelCase.MODEL_NOT_SET) {
      problems.add(locator.where("model")
          + ": the config has no model { ssd { ... } } (or faster_rcnn / center_net) block");
      return;
    }
    if (!ModelConfigs.hasStandardFields(model)) {
      return; // experimental_model: only its name, which the model builder judges
    }
    checkNumClasses(ModelConfigs.numClasses(model), ModelConfigs.path(model, "num_classes"));
    checkResizer(ModelConfigs.imageResizer(model), ModelConfigs.path(model, "image_resizer"));
    if (model.hasSsd() && model.getSsd().getFeatureExtractor().getDepthMultiplier() <= 0) {
      problem(
          "model.ssd.feature_extractor.depth_multiplier",
          "must be > 0 (1.0 is the full-width network), got "
              + model.getSsd().getFeatureExtractor().getDepthMultiplier());
    }
  }

  private void checkNumClasses(int numClasses, String path) {
    if (numClasses < 1) {
      problem(path, "must be at least 1 (the number of object classes, without background), got "
          + numClasses);
    }
  }

  private void checkResizer(ImageResizer resizer, String path) {
    switch (resizer.getImageResizerOneofCase()) {
      case FIXED_SHAPE_RESIZER -> {
        var fixed = resizer.getFixedShapeResizer();
        if (fixed.getHeight() < 1 || fixed.getWidth() < 1) {
          problem(path + ".fixed_shape_resizer",
              "height and width must be at least 1, got " + fixed.getHeight() + "x" + fixed.getWidth());
        }
      }
      case KEEP_ASPECT_RATIO_RESIZER -> {
        var keep = resizer.getKeepAspectRatioResizer();
        if (keep.getMinDimension() < 1 || keep.getMaxDimension() < keep.getMinDimension()) {
          problem(path + ".keep_aspect_ratio_resizer",
              "needs 1 <= min_dimension <= max_dimension, got " + keep.getMinDimension() + " and "
                  + keep.getMaxDimension());
        }
      }
      case IMAGERESIZERONEOF_NOT_SET -> problem(path,
          "is missing: say how images are resized, e.g. image_resizer { fixed_shape_resizer {"
              + " height: 300 width: 300 } }");
      default -> { }
    }
  }

  private void checkTrain(TrainConfig train) {
    if (train.getBatchSize() < 1) {
      problem("train_config.batch_size", "must be at least 1, got " + train.getBatchSize());
    }
    if (train.getNumSteps() < 0) {
      problem("train_config.num_steps", "must be >= 0 (0 trains forever), got " + train.getNumSteps());
    }
    String type = train.getFineTuneCheckpointType();
    if (type.equals("fine_tune")) {
      problem("train_config.fine_tune_checkpoint_type",
          "\"fine_tune\" is an old CenterNet value: use \"detection\" to restore the feature"
              + " extractor of a detection checkpoint (as the Object Detection API advises)");
    } else if (!CHECKPOINT_TYPES.contains(type)) {
      problem("train_config.fine_tune_checkpoint_type",
          "\"" + type + "\" is not a checkpoint type; use \"detection\", \"classification\" or"
              + " \"full\"." + Suggestions.didYouMean(type, CHECKPOINT_TYPES));
    }
    checkRegexes(train.getFreezeVariablesList(), "train_config.freeze_variables");
    checkRegexes(train.getUpdateTrainableVariablesList(), "train_config.update_trainable_variables");
    if (train.hasOptimizer()) {
      checkOptimizer(train.getOptimizer());
    } else {
      problem("train_config.optimizer",
          "is missing: e.g. optimizer { momentum_optimizer { learning_rate { constant_learning_rate"
              + " { learning_rate: 0.004 } } } }");
    }
    if (train.getGradientClippingByNorm() < 0) {
      problem("train_config.gradient_clipping_by_norm", "must be >= 0 (0 disables clipping)");
    }
  }

  private void checkRegexes(List<String> patterns, String path) {
    for (int i = 0; i < patterns.size(); i++) {
      try {
        Pattern.compile(patterns.get(i));
      } catch (PatternSyntaxException e) {
        problem(path + "[" + i + "]", "\"" + patterns.get(i) + "\" is not a valid regular expression: "
            + e.getDescription() + " near index " + e.getIndex());
      }
    }
  }

  private void checkOptimizer(Optimizer optimizer) {
    String path = "train_config.optimizer";
    switch (optimizer.getOptimizerCase()) {
      case MOMENTUM_OPTIMIZER -> checkLearningRate(
          optimizer.getMomentumOptimizer().getLearningRate(), path + ".momentum_optimizer.learning_rate");
      case RMS_PROP_OPTIMIZER -> checkLearningRate(
          optimizer.getRmsPropOptimizer().getLearningRate(), path + ".rms_prop_optimizer.learning_rate");
      case ADAM_OPTIMIZER -> checkLearningRate(
          optimizer.getAdamOptimizer().getLearningRate(), path + ".adam_optimizer.learning_rate");
      case OPTIMIZER_NOT_SET -> problem(path,
          "names no optimizer: use momentum_optimizer, rms_prop_optimizer or adam_optimizer");
      default -> { }
    }
    if (optimizer.getUseMovingAverage()
        && (optimizer.getMovingAverageDecay() <= 0 || optimizer.getMovingAverageDecay() >= 1)) {
      problem(path + ".moving_average_decay",
          "must be in (0, 1), got " + optimizer.getMovingAverageDecay());
    }
  }

  private void checkLearningRate(LearningRate rate, String path) {
    switch (rate.getLearningRateCase()) {
      case CONSTANT_LEARNING_RATE -> positive(
          rate.getConstantLearningRate().getLearningRate(), path + ".constant_learning_rate.learning_rate");
      case EXPONENTIAL_DECAY_LEARNING_RATE -> {
        var exp = rate.getExponentialDecayLearningRate();
        String p = path + ".exponential_decay_learning_rate";
        positive(exp.getInitialLearningRate(), p + ".initial_learning_rate");
        if (exp.getDecaySteps() < 1) {
          problem(p + ".decay_steps", "must be at least 1, got " + exp.getDecaySteps());
        }
      }
      case MANUAL_STEP_LEARNING_RATE -> checkManualSchedule(
          rate.getManualStepLearningRate(), path + ".manual_step_learning_rate");
      case COSINE_DECAY_LEARNING_RATE -> {
        var cos = rate.getCosineDecayLearningRate();
        String p = path + ".cosine_decay_learning_rate";
        positive(cos.getLearningRateBase(), p + ".learning_rate_base");
        if (cos.getTotalSteps() < 1) {
          problem(p + ".total_steps", "must be at least 1, got " + cos.getTotalSteps());
        } else if (cos.getWarmupSteps() + cos.getHoldBaseRateSteps() > cos.getTotalSteps()) {
          problem(p, "warmup_steps + hold_base_rate_steps (" + cos.getWarmupSteps() + " + "
              + cos.getHoldBaseRateSteps() + ") must not exceed total_steps (" + cos.getTotalSteps() + ")");
        }
        if (cos.getWarmupSteps() > 0 && cos.getWarmupLearningRate() > cos.getLearningRateBase()) {
          problem(p + ".warmup_learning_rate",
              "must not exceed learning_rate_base (" + cos.getLearningRateBase() + "), got "
                  + cos.getWarmupLearningRate());
        }
      }
      case LEARNINGRATE_NOT_SET -> problem(path,
          "is missing: e.g. learning_rate { constant_learning_rate { learning_rate: 0.004 } }");
      default -> { }
    }
  }

  private void checkManualSchedule(ManualStepLearningRate manual, String path) {
    // 0 is a legitimate start for a warmup (stock Context R-CNN configs use it).
    nonNegative(manual.getInitialLearningRate(), path + ".initial_learning_rate");
    if (manual.getScheduleCount() == 0) {
      problem(path, "has no schedule { step: N learning_rate: R } entries");
    }
    long previous = 0;
    for (int i = 0; i < manual.getScheduleCount(); i++) {
      var entry = manual.getSchedule(i);
      if (entry.getStep() <= previous) {
        problem(path + ".schedule[" + i + "].step",
            "steps must increase: " + entry.getStep() + " comes after " + previous);
      }
      previous = entry.getStep();
      nonNegative(entry.getLearningRate(), path + ".schedule[" + i + "].learning_rate");
    }
  }

  private void nonNegative(float value, String path) {
    if (!(value >= 0) || Float.isInfinite(value)) {
      problem(path, "must be >= 0, got " + value);
    }
  }

  private void positive(float value, String path) {
    if (!(value > 0) || Float.isInfinite(value)) {
      problem(path, "must be > 0, got " + value);
    }
  }

  private void checkReader(InputReader reader, String path) {
    if (reader.hasMaxNumberOfBoxes() && reader.getMaxNumberOfBoxes() < 1) {
      problem(path + ".max_number_of_boxes", "must be at least 1, got " + reader.getMaxNumberOfBoxes());
    }
    if (reader.getSample1OfNExamples() < 1) {
      problem(path + ".sample_1_of_n_examples", "must be at least 1, got " + reader.getSample1OfNExamples());
    }
  }
}
