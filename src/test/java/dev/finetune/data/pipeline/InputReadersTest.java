package dev.finetune.data.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.data.tools.DemoDataset;
import dev.finetune.proto.InputReader;
import java.io.IOException;
import java.nio.file.Path;
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
}
