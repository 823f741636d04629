package dev.finetune.data.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.data.tools.DemoDataset;
import dev.finetune.data.DetectionBatch;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputReadersTest {
  @TempDir Path dir;

  @Test
  void mapsTheApiFieldsAndDefaults() throws IOException {
    DemoDataset.write(dir, 3, 1, 16, 16, 1);
    InputReader reader = TextFormat.parse(
        "label_map_path: '" + dir.resolve("label_map.pbtxt") + "'\n"
            + "shuffle: false num_epochs: 1 max_number_of_boxes: 7 sample_1_of_n_examples: 2\n"
            + "tf_record_input_reader { input_path: '" + dir + "/*.record' }", InputReader.class);
    PipelineOptions o = InputReaders.options(reader, "eval_input_reader", true, 3);
    assertThat(o.shuffle()).isFalse();
    assertThat(o.numEpochs()).isEqualTo(1);
    assertThat(o.maxNumberOfBoxes()).isEqualTo(7);
    assertThat(o.sample1OfNExamples()).isEqualTo(2);
    assertThat(o.shuffleBufferSize()).isEqualTo(2048);
    assertThat(o.numReaders()).isEqualTo(64);
    assertThat(o.skipCorruptRecords()).isTrue();
    assertThat(o.dropRemainder()).as("evaluation keeps a last partial batch").isFalse();
    assertThat(InputReaders.options(reader, "train_input_reader", false, 1).dropRemainder()).isTrue();
    assertThat(o.numThreads()).isEqualTo(3);
    assertThat(InputReaders.files(reader, "eval_input_reader"))
        .containsExactly(dir.resolve("eval.record"), dir.resolve("train.record"));
    assertThat(InputReaders.labelMap(reader).idOf("triangle")).isEqualTo(3);
  }

  @Test
  void missingInputPathIsAConfigError() throws IOException {
    assertThatThrownBy(() -> InputReaders.files(InputReader.getDefaultInstance(), "train_input_reader"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train_input_reader: no tf_record_input_reader");
    InputReader empty = TextFormat.parse("tf_record_input_reader { }", InputReader.class);
    assertThatThrownBy(() -> InputReaders.files(empty, "train_input_reader"))
        .hasMessageContaining("train_input_reader.tf_record_input_reader.input_path is empty");
  }

  /** A config over DemoDataset files: 5 training and 3 evaluation images of 24x16. */
  private TrainEvalPipelineConfig config(String model, String augmentation) throws IOException {
    DemoDataset.write(dir, 5, 3, 24, 16, 1);
    String reader = "label_map_path: '" + dir.resolve("label_map.pbtxt") + "' tf_record_input_reader {"
        + " input_path: '" + dir + "/%s' }";
    return TextFormat.parse("model { " + model + " }\n"
        + "train_config { batch_size: 2 " + augmentation + " }\n"
        + "train_input_reader { shuffle: false " + reader.formatted(DemoDataset.TRAIN) + " }\n"
        + "eval_input_reader { " + reader.formatted(DemoDataset.EVAL) + " }", TrainEvalPipelineConfig.class);
  }

  private static List<DetectionBatch> drain(InputPipeline p) {
    try (p) {
      List<DetectionBatch> out = new ArrayList<>();
      for (DetectionBatch b = p.next(); b != null; b = p.next()) {
        out.add(b);
      }
      return out;
    }
  }

  private static List<String> ids(List<DetectionBatch> batches) {
    List<String> out = new ArrayList<>();
    batches.forEach(b -> out.addAll(Arrays.asList(b.sourceIds())));
    return out;
  }

  @Test
  void trainingInputIsTheReaderThenTheAugmentationThenTheModelsResizer() throws IOException {
    TrainEvalPipelineConfig c = config(
        "ssd { image_resizer { fixed_shape_resizer { height: 8 width: 12 } } }",
        "data_augmentation_options { random_horizontal_flip { } }"
            + " data_augmentation_options { random_adjust_brightness { } }");
    DetectionBatch shared;
    try (InputPipeline p = InputReaders.forTraining(c, 2, false, 2).seed(3).open()) {
      shared = p.next();
    }
    DetectionBatch byHand;
    try (InputPipeline p = InputReaders.builder(c.getTrainInputReader(), "train_input_reader", 2, false, 2)
        .augmentation(dev.finetune.data.augment.Preprocessor.fromConfig(
            c.getTrainConfig().getDataAugmentationOptionsList()))
        .resizer(dev.finetune.data.augment.ImageResizers.fromConfig(
            c.getModel().getSsd().getImageResizer()))
        .seed(3).open()) {
      byHand = p.next();
    }
    assertThat(shared.height()).isEqualTo(8);
    assertThat(shared.width()).isEqualTo(12);
    assertThat(shared.sourceIds()).containsExactly(byHand.sourceIds());
    assertThat(shared.images()).containsExactly(byHand.images());
    assertThat(shared.boxes()).containsExactly(byHand.boxes());
  }

  @Test
  void evaluationSeesEveryImageOnceInOrderWithoutAugmentation() throws IOException {
    TrainEvalPipelineConfig c = config(
        "center_net { image_resizer { fixed_shape_resizer { height: 8 width: 8 } } }",
        "data_augmentation_options { random_adjust_brightness { } }");
    List<DetectionBatch> eval = drain(InputReaders.forEvaluation(c, 0, false, 0, 2, 2).seed(5).open());
    assertThat(eval).hasSize(2).allSatisfy(b -> assertThat(b.height()).isEqualTo(8));
    assertThat(eval.get(1).batchSize()).as("the last partial batch is kept").isEqualTo(1);
    assertThat(eval.get(0).sourceIds()).containsExactly("eval_000000", "eval_000001");
    assertThat(eval.get(0).originalHeights()).as("the size as decoded, before the resizer")
        .containsExactly(16, 16);
    assertThat(eval.get(0).originalWidths()).containsExactly(24, 24);
    List<DetectionBatch> again = drain(InputReaders.forEvaluation(c, 0, false, 0, 2, 1).seed(9).open());
    assertThat(again.get(0).images()).as("no random step: the seed changes nothing")
        .containsExactly(eval.get(0).images());

    List<DetectionBatch> onTrain = drain(InputReaders.forEvaluation(c, 7, true, 2, 2, 2).open());
    assertThat(ids(onTrain)).as("1 of every 2 training images, once")
        .containsExactly("train_000000", "train_000002", "train_000004");
    assertThat(ids(drain(InputReaders.forEvaluation(c, 0, true, 0, 4, 2).open()))).hasSize(5);
  }

  @Test
  void evaluationNamesAMissingReader() throws IOException {
    TrainEvalPipelineConfig c = config("ssd { image_resizer { fixed_shape_resizer { height: 8 width: 8 } } }", "");
    assertThatThrownBy(() -> InputReaders.forEvaluation(c, 1, false, 0, 1, 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eval_input_reader[1]: the config has 1 eval_input_reader");
    assertThatThrownBy(() -> InputReaders.forEvaluation(c.toBuilder().clearEvalInputReader().build(), 0, false, 0, 1, 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eval_input_reader: the config has none");
    assertThatThrownBy(() -> InputReaders.forTraining(
            c.toBuilder().setModel(dev.finetune.proto.DetectionModel.getDefaultInstance()).build(), 1, false, 1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model: empty");
  }
}
