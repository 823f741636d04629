package dev.finetune.preflight;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.finetune.ExitCode;
import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.checkpoint.CheckpointLocator;
import dev.finetune.config.SourceLocator;
import dev.finetune.config.UserPaths;
import dev.finetune.data.DataException;
import dev.finetune.data.tfrecord.InputPaths;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Checks the files a config points at: record files (globs allowed), label maps and the fine-tune
 * checkpoint. A missing file is a warning for validate_config and an error when training starts;
 * a {@code PATH_TO_BE_CONFIGURED} placeholder left from a stock config is named as such.
 */
final class ConfigFiles {
  static final String PLACEHOLDER = "PATH_TO_BE_CONFIGURED";

  private ConfigFiles() {}

  /** Adds one entry per missing file to {@code missing}, placeholders first. */
  static void check(TrainEvalPipelineConfig config, SourceLocator locator, List<MissingFile> missing) {
    findPlaceholders(config, "", locator, missing);
    String checkpoint = config.getTrainConfig().getFineTuneCheckpoint();
    if (!checkpoint.isEmpty() && !checkpoint.contains(PLACEHOLDER)) {
      try {
        CheckpointLocator.resolve(UserPaths.resolve(checkpoint));
      } catch (CheckpointException e) {
        missing.add(new MissingFile(
            locator.where("train_config.fine_tune_checkpoint") + ": " + e.getMessage(),
            ExitCode.CHECKPOINT));
      }
    }
    if (config.hasTrainInputReader()) {
      checkReader(config.getTrainInputReader(), "train_input_reader", locator, missing);
    }
    for (int i = 0; i < config.getEvalInputReaderCount(); i++) {
      checkReader(config.getEvalInputReader(i), "eval_input_reader[" + i + "]", locator, missing);
    }
  }

  private static void checkReader(
      InputReader reader, String path, SourceLocator locator, List<MissingFile> missing) {
    String labelMap = reader.getLabelMapPath();
    if (!labelMap.isEmpty() && !labelMap.contains(PLACEHOLDER)
        && !Files.isRegularFile(UserPaths.resolve(labelMap))) {
      missing.add(new MissingFile(locator.where(path + ".label_map_path") + ": label map \""
          + labelMap + "\" not found" + resolvedIfDifferent(labelMap), ExitCode.DATA));
    }
    List<String> inputs = reader.getTfRecordInputReader().getInputPathList();
    for (int i = 0; i < inputs.size(); i++) {
      String input = inputs.get(i);
      if (!input.contains(PLACEHOLDER) && !matchesAnyFile(input)) {
        missing.add(new MissingFile(
            locator.where(path + ".tf_record_input_reader.input_path[" + i + "]")
                + ": no record file matches \"" + input + "\"" + resolvedIfDifferent(input),
            ExitCode.DATA));
      }
    }
  }

  /** " (/abs/path)" when the user's path is relative or uses ~, so the message says where we looked. */
  private static String resolvedIfDifferent(String userPath) {
    String resolved = UserPaths.resolve(userPath).toString();
    return resolved.equals(userPath) ? "" : " (" + resolved + ")";
  }

  /** Whether the record reader would find files for this input_path (one place decides: InputPaths). */
  private static boolean matchesAnyFile(String pathOrGlob) {
    try {
      return !InputPaths.expand(pathOrGlob).isEmpty();
    } catch (DataException | UncheckedIOException e) {
      return false;
    }
  }

  private static void findPlaceholders(
      Message message, String path, SourceLocator locator, List<MissingFile> missing) {
    for (Map.Entry<FieldDescriptor, Object> e : message.getAllFields().entrySet()) {
      FieldDescriptor field = e.getKey();
      String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
      List<?> values = field.isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
      for (int i = 0; i < values.size(); i++) {
        String elementPath = field.isRepeated() ? fieldPath + "[" + i + "]" : fieldPath;
        Object value = values.get(i);
        if (value instanceof Message m) {
          findPlaceholders(m, elementPath, locator, missing);
        } else if (value instanceof String s && s.contains(PLACEHOLDER)) {
          missing.add(new MissingFile(locator.where(elementPath) + ": still the stock placeholder \"" + s
              + "\": set it to your file (edit the config or --set " + elementPath + "=...)",
              ExitCode.USAGE_OR_CONFIG));
        }
      }
    }
  }
}
