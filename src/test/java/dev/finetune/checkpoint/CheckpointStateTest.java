package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStateTest {
  @TempDir Path tmp;

  @Test
  void parsesWhatTensorFlowWrites() {
    String text = """
        model_checkpoint_path: "model.ckpt-1200"
        all_model_checkpoint_paths: "model.ckpt-1000"
        all_model_checkpoint_paths: "model.ckpt-1200"
        all_model_checkpoint_timestamps: 1690483610.123
        all_model_checkpoint_timestamps: 1690483620.5
        last_preserved_timestamp: 1690483600.25
        """;
    CheckpointState s = CheckpointState.parse(text, "checkpoint");
    assertThat(s.modelCheckpointPath()).isEqualTo("model.ckpt-1200");
    assertThat(s.allModelCheckpointPaths()).containsExactly("model.ckpt-1000", "model.ckpt-1200");
    assertThat(s.allModelCheckpointTimestamps()).containsExactly(1690483610.123, 1690483620.5);
    assertThat(s.lastPreservedTimestamp()).isEqualTo(1690483600.25);
    assertThat(s.latest(tmp)).isEqualTo(tmp.resolve("model.ckpt-1200"));
    assertThat(CheckpointState.parse(s.toText(), "again")).isEqualTo(s);
  }

  @Test
  void escapesRoundTrip() {
    String odd = "/runs/été \"quoted\" back\\slash\ttab";
    CheckpointState s = CheckpointState.of(odd, List.of(odd));
    assertThat(s.toText()).contains("\\303\\251t\\303\\251 \\\"quoted\\\" back\\\\slash\\ttab");
    assertThat(CheckpointState.parse(s.toText(), "x")).isEqualTo(s);
    // Octal and hex escapes and single quotes, as the text format allows.
    assertThat(CheckpointState.parse("model_checkpoint_path: 'a\\x41\\102' # comment\n", "x")
        .modelCheckpointPath()).isEqualTo("aAB");
  }

  @Test
  void rejectsDamagedFilesWithTheLine() {
    assertThatThrownBy(() -> CheckpointState.parse("model_checkpoint_path: \"a\"\nbogus: \"b\"\n", "dir/checkpoint"))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("dir/checkpoint:2: unknown field 'bogus'");
    assertThatThrownBy(() -> CheckpointState.parse("model_checkpoint_path: \"a", "dir/checkpoint"))
        .hasMessageContaining("dir/checkpoint:1: unterminated string");
    assertThatThrownBy(() -> CheckpointState.parse("all_model_checkpoint_paths: \"a\"\n", "dir/checkpoint"))
        .hasMessageContaining("names no model_checkpoint_path");
  }

  @Test
  void writesAtomicallyAndRelativeToTheDirectory() throws Exception {
    CheckpointState s = CheckpointState.forCheckpoints(tmp,
        List.of(tmp.resolve("model.ckpt-100"), tmp.resolve("model.ckpt-200"), Path.of("/elsewhere/ckpt-1")));
    assertThat(s.allModelCheckpointPaths())
        .containsExactly("model.ckpt-100", "model.ckpt-200", "/elsewhere/ckpt-1");
    assertThat(s.modelCheckpointPath()).isEqualTo("/elsewhere/ckpt-1");
    s.write(tmp);
    CheckpointState.of("model.ckpt-200", List.of("model.ckpt-200")).write(tmp); // replaces
    try (var files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("checkpoint");
    }
    assertThat(CheckpointState.read(tmp).orElseThrow().modelCheckpointPath()).isEqualTo("model.ckpt-200");
    assertThat(CheckpointState.read(tmp.resolve("nothing-here"))).isEmpty();
  }

  @Test
  void opensByDirectoryFileAndSavedModel() throws Exception {
    Path src = Fixtures.get("checkpoints/tf1_regression");
    Path run = Files.createDirectories(tmp.resolve("run"));
    Files.copy(src.resolve("variables.index"), run.resolve("model.ckpt-10.index"));
    Files.copy(src.resolve("variables.data-00000-of-00001"), run.resolve("model.ckpt-10.data-00000-of-00001"));
    Path prefix = run.resolve("model.ckpt-10");

    // Relative path in the state file.
    CheckpointState.of("model.ckpt-10", List.of("model.ckpt-10")).write(run);
    assertThat(CheckpointLocator.resolve(run)).isEqualTo(prefix);
    // Absolute path.
    CheckpointState.of(prefix.toString(), List.of(prefix.toString())).write(run);
    assertThat(CheckpointLocator.resolve(run)).isEqualTo(prefix);
    // Absolute path from before the directory was moved: the same name beside the state file.
    CheckpointState.of("/old/place/model.ckpt-10", List.of()).write(run);
    assertThat(CheckpointLocator.resolve(run)).isEqualTo(prefix);
    assertThat(CheckpointLocator.latestCheckpoint(tmp)).isEmpty();

    // One of the checkpoint's files instead of the prefix.
    assertThat(CheckpointLocator.resolve(run.resolve("model.ckpt-10.index"))).isEqualTo(prefix);
    assertThat(CheckpointLocator.resolve(run.resolve("model.ckpt-10.data-00000-of-00001"))).isEqualTo(prefix);

    // A SavedModel and its variables/ directory.
    Path variables = Files.createDirectories(tmp.resolve("saved_model").resolve("variables"));
    Files.copy(src.resolve("variables.index"), variables.resolve("variables.index"));
    Files.copy(src.resolve("variables.data-00000-of-00001"), variables.resolve("variables.data-00000-of-00001"));
    assertThat(CheckpointLocator.resolve(tmp.resolve("saved_model"))).isEqualTo(variables.resolve("variables"));
    assertThat(CheckpointLocator.resolve(variables)).isEqualTo(variables.resolve("variables"));
    try (CheckpointReader r = CheckpointReader.open(tmp.resolve("saved_model"))) {
      assertThat(r.readFloats("b")).containsExactly(0f);
    }
  }
}
