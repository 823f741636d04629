package dev.finetune.train;

import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.data.tools.DemoDataset;
import dev.finetune.model.ssd.SsdOverfitTestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny training setup for end-to-end tests of the real command line: the synthetic shapes data
 * (3 classes, 96x96) and a pipeline config around the tiny SSD of {@link SsdOverfitTestConfig}
 * (depth multiplier 0.25), batch 2.
 */
final class TrainTestSupport {
  private TrainTestSupport() {}

  /** Writes 12 training and 4 evaluation images (shared by a test class; the data is read-only). */
  static Path data(Path dir) throws IOException {
    Path data = dir.resolve("data");
    if (!Files.exists(data.resolve(DemoDataset.TRAIN))) {
      DemoDataset.write(data, 12, 4, 96, 96, 7);
    }
    return data;
  }

  /**
   * A config training the tiny model on {@code data} for {@code numClasses} classes.
   *
   * @param trainConfigExtra more train_config fields (fine_tune_checkpoint, freeze_variables, ...)
   */
  static Path config(Path dir, String name, Path data, int numClasses, String trainConfigExtra)
      throws IOException {
    String model = SsdOverfitTestConfig.CONFIG.replace("num_classes: 2", "num_classes: " + numClasses);
    String text = "model {\n" + model + "}\n"
        + "train_config {\n"
        + "  batch_size: 2\n"
        + "  num_steps: 4\n"
        + "  optimizer { momentum_optimizer {\n"
        + "    learning_rate { constant_learning_rate { learning_rate: 0.01 } }\n"
        + "    momentum_optimizer_value: 0.9 } use_moving_average: false }\n"
        + "  data_augmentation_options { random_horizontal_flip { } }\n"
        + trainConfigExtra + "\n"
        + "}\n"
        + "train_input_reader {\n"
        + "  tf_record_input_reader { input_path: \"" + data.resolve(DemoDataset.TRAIN) + "\" }\n"
        + "  label_map_path: \"" + data.resolve(DemoDataset.LABEL_MAP) + "\"\n"
        + "}\n"
        + "eval_input_reader {\n"
        + "  tf_record_input_reader { input_path: \"" + data.resolve(DemoDataset.EVAL) + "\" }\n"
        + "  label_map_path: \"" + data.resolve(DemoDataset.LABEL_MAP) + "\"\n"
        + "  shuffle: false num_epochs: 1\n"
        + "}\n";
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  /** The command line of a training run, plus {@code extra} flags. */
  static String[] train(Path config, Path modelDir, String... extra) {
    List<String> args = new ArrayList<>(List.of(
        "train", "--pipeline_config_path", config.toString(), "--model_dir", modelDir.toString(),
        "--log_every_n", "1", "--checkpoint_every_n", "2", "--input_threads", "2"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  /** Every float tensor of a checkpoint by name. */
  static Map<String, float[]> floats(Path prefix) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      r.entries().stream()
          .filter(e -> e.dtypeName().equals("float32") || e.dtypeName().equals("float"))
          .forEach(e -> out.put(e.name(), r.readFloats(e.name())));
    }
    return out;
  }

  /** The total loss of each step in model_dir/metrics.jsonl, in order. */
  static List<String> totalLosses(Path modelDir) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(modelDir.resolve("metrics.jsonl"))) {
      var o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
      out.add(o.get("step").getAsLong() + ":" + o.get("Loss/total_loss").getAsString());
    }
    return out;
  }
}
