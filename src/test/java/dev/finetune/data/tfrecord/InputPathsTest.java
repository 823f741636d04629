package dev.finetune.data.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputPathsTest {
  @TempDir Path dir;

  @Test
  void expandsShardGlobsListsAndPlainPaths() throws IOException {
    for (int i = 0; i < 3; i++) {
      Files.createFile(dir.resolve(String.format("train-%05d-of-00003", i)));
    }
    Files.createFile(dir.resolve("train-x-of-00003"));
    Files.createFile(dir.resolve("eval.record"));
    Files.createDirectories(dir.resolve("sub"));
    Files.createFile(dir.resolve("sub/a.record"));

    assertThat(InputPaths.expand(dir + "/train-?????-of-00003"))
        .extracting(p -> p.getFileName().toString())
        .containsExactly("train-00000-of-00003", "train-00001-of-00003", "train-00002-of-00003");
    assertThat(InputPaths.expand(dir + "/*.record")).containsExactly(dir.resolve("eval.record"));
    assertThat(InputPaths.expand(dir + "/*/*.record")).containsExactly(dir.resolve("sub/a.record"));
    assertThat(InputPaths.expand(List.of(dir + "/eval.record", dir + "/*.record", dir + "/sub/a.record")))
        .containsExactly(dir.resolve("eval.record"), dir.resolve("sub/a.record"));
  }

  @Test
  void unmatchedGlobMissingFileAndDirectoryAreClearErrors() {
    assertThatThrownBy(() -> InputPaths.expand(dir + "/*.tfrecord"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("no record file matches");
    assertThatThrownBy(() -> InputPaths.expand(dir + "/missing.record"))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> InputPaths.expand(dir.toString()))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("is a directory");
    assertThatThrownBy(() -> InputPaths.expand(List.of()))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("no input_path");
  }
}
