package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.ExitCode;
import dev.finetune.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input gets one clear message naming the file (and tensor, offset). */
class BadInputTest {
  @TempDir Path tmp;
  Path prefix;
  byte[] index;
  byte[] data;

  @BeforeEach
  void copyRealCheckpoint() throws Exception {
    Path src = Fixtures.get("checkpoints/tf2_regression_with_optimizer").resolve("variables");
    index = Files.readAllBytes(CheckpointLocator.index(src));
    data = Files.readAllBytes(CheckpointReader.dataFile(src, 0, 1));
    prefix = tmp.resolve("model.ckpt-5");
    Files.write(CheckpointLocator.index(prefix), index);
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), data);
  }

  private CheckpointException readAll() {
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      for (TensorEntry e : r.entries()) {
        r.read(e.name());
      }
    }
    throw new AssertionError("no error");
  }

  @Test
  void truncatedIndex() throws Exception {
    Files.write(CheckpointLocator.index(prefix), Arrays.copyOf(index, index.length - 10));
    assertThatThrownBy(this::readAll)
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(CheckpointLocator.index(prefix).toString())
        .hasMessageContaining("wrong magic number");
    Files.write(CheckpointLocator.index(prefix), Arrays.copyOf(index, 20));
    assertThatThrownBy(this::readAll).hasMessageContaining("shorter than the 48-byte table footer");
  }

  @Test
  void flippedBitInABlock() throws Exception {
    byte[] bad = index.clone();
    bad[40] ^= 4;
    Files.write(CheckpointLocator.index(prefix), bad);
    assertThatThrownBy(this::readAll)
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("checkpoint index " + CheckpointLocator.index(prefix) + " is corrupt")
        .hasMessageContaining("checksum mismatch in the data block at offset 0");
  }

  @Test
  void flippedBitInATensor() throws Exception {
    long offset;
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      offset = r.entry("w/.ATTRIBUTES/VARIABLE_VALUE").offset();
    }
    byte[] bad = data.clone();
    bad[(int) offset + 1] ^= 1;
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), bad);
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.readFloats("b/.ATTRIBUTES/VARIABLE_VALUE")).containsExactly(0f);
      assertThatThrownBy(() -> r.readFloats("w/.ATTRIBUTES/VARIABLE_VALUE"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("tensor 'w/.ATTRIBUTES/VARIABLE_VALUE' is corrupt")
          .hasMessageContaining(CheckpointReader.dataFile(prefix, 0, 1) + " at offset " + offset);
      // Turned off on request only: then the damaged value comes back.
      assertThat(r.verifyTensorChecksums(false).readFloats("w/.ATTRIBUTES/VARIABLE_VALUE")[0])
          .isNotEqualTo(0.20429754f);
    }
  }

  @Test
  void flippedBitInAStringTensor() throws Exception {
    byte[] bad = data.clone();
    long offset;
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      offset = r.entry(CheckpointReader.OBJECT_GRAPH_KEY).offset();
    }
    bad[(int) offset + 100] ^= 1;
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), bad);
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThatThrownBy(r::objectGraph)
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("'" + CheckpointReader.OBJECT_GRAPH_KEY + "' is corrupt");
    }
  }

  @Test
  void truncatedData() throws Exception {
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), Arrays.copyOf(data, data.length - 3));
    assertThatThrownBy(this::readAll)
        .hasMessageContaining("extends past the end of " + CheckpointReader.dataFile(prefix, 0, 1))
        .hasMessageContaining("truncated");
  }

  @Test
  void missingDataShard() throws Exception {
    Files.delete(CheckpointReader.dataFile(prefix, 0, 1));
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.entries()).hasSize(7); // listing needs only the index
      assertThatThrownBy(() -> r.readFloats("w/.ATTRIBUTES/VARIABLE_VALUE"))
          .hasMessageContaining("data file " + CheckpointReader.dataFile(prefix, 0, 1))
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void wrongMagic() throws Exception {
    byte[] bad = index.clone();
    bad[bad.length - 1] = 0;
    Files.write(CheckpointLocator.index(prefix), bad);
    CheckpointException e = (CheckpointException) org.assertj.core.api.Assertions.catchThrowable(this::readAll);
    assertThat(e.getMessage()).contains("is not a TensorFlow checkpoint index: wrong magic number");
    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKPOINT);
  }

  @Test
  void indexFileThatIsNotACheckpoint() throws Exception {
    Files.writeString(CheckpointLocator.index(prefix),
        "model {\n  ssd {\n    num_classes: 37\n  }\n}\n".repeat(5));
    assertThatThrownBy(this::readAll).hasMessageContaining("is not a TensorFlow checkpoint index");
  }

  @Test
  void prefixThatDoesNotExist() {
    assertThatThrownBy(() -> CheckpointReader.open(tmp.resolve("model.ckpt-99")))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("no checkpoint at " + tmp.resolve("model.ckpt-99"))
        .hasMessageContaining("Checkpoints in " + tmp + ": model.ckpt-5");
  }

  @Test
  void directoryWithoutCheckpointFile() {
    assertThatThrownBy(() -> CheckpointReader.open(tmp))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("directory " + tmp + " has no 'checkpoint' state file")
        .hasMessageContaining("Checkpoints there: model.ckpt-5");
  }

  @Test
  void stateFileNamingADeletedCheckpoint() throws Exception {
    CheckpointState.of("model.ckpt-9", java.util.List.of("model.ckpt-9")).write(tmp);
    assertThatThrownBy(() -> CheckpointReader.open(tmp))
        .hasMessageContaining("names the latest checkpoint " + tmp.resolve("model.ckpt-9"))
        .hasMessageContaining("does not exist");
  }

  @Test
  void unknownTensorSuggestsNearNames() {
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThatThrownBy(() -> r.entry("model/w/.ATTRIBUTES/VARIABLE_VALUE"))
          .hasMessageContaining("tensor 'model/w/.ATTRIBUTES/VARIABLE_VALUE' is not in checkpoint")
          .hasMessageContaining("Similar names: w/.ATTRIBUTES/VARIABLE_VALUE")
          .hasMessageNotContaining("b/.ATTRIBUTES");
      assertThatThrownBy(() -> r.readInts("w/.ATTRIBUTES/VARIABLE_VALUE"))
          .hasMessageContaining("is float [1]; readInts needs");
    }
  }
}
