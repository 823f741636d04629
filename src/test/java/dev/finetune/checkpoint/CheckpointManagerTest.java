package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** Saving, rotation and recovery from a killed save, on a one-variable graph. */
class CheckpointManagerTest {
  @Test
  void savesRotatesKeepsSideFilesAndCleansUpAKilledSave(@TempDir Path dir) throws Exception {
    Path stale = Files.createDirectories(dir.resolve(".saving-7-123"));
    Files.writeString(stale.resolve("model.ckpt-7.index"), "half");
    Path orphanData = Files.writeString(dir.resolve("model.ckpt-5.data-00000-of-00001"), "x");
    Path orphanSide = Files.writeString(dir.resolve("model.ckpt-5.trainer.json"), "{}");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> v = tf.withName("v").variable(Shape.of(2), TFloat32.class);
      var init = tf.assign(v, tf.constant(new float[] {1, 2}));
      try (Session s = new Session(g)) {
        s.run(init);
        CheckpointManager m = new CheckpointManager(dir, 2, 0);
        assertThat(stale).doesNotExist();
        assertThat(orphanData).doesNotExist();
        assertThat(orphanSide).doesNotExist();
        for (long step : List.of(1L, 2L, 3L)) {
          m.save(s, step, "{\"step\": " + step + "}");
        }
        assertThat(m.latest()).contains(dir.resolve("model.ckpt-3"));
        assertThat(dir.resolve("model.ckpt-1.index")).doesNotExist();
        assertThat(dir.resolve("model.ckpt-1.trainer.json")).doesNotExist();
        assertThat(dir.resolve("model.ckpt-2.index")).exists();
        assertThat(CheckpointManager.readSideFile(dir.resolve("model.ckpt-3"))).contains("{\"step\": 3}");
        assertThat(CheckpointState.read(dir).orElseThrow().allModelCheckpointPaths())
            .containsExactly("model.ckpt-2", "model.ckpt-3");
        try (CheckpointReader r = CheckpointReader.open(dir.resolve("model.ckpt-3"))) {
          assertThat(r.readFloats("v")).containsExactly(1f, 2f);
        }
        // a new manager on the same folder knows what is kept
        assertThat(new CheckpointManager(dir, 2, 0).latest()).contains(dir.resolve("model.ckpt-3"));
      }
    }
  }
}
