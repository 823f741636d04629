package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;

/** The checkpoints in ../shared/fixtures/checkpoints, written by Python TensorFlow. */
class RealCheckpointsTest {
  private static Path prefix(String name) {
    return Fixtures.get("checkpoints/" + name).resolve("variables");
  }

  private static Map<String, TensorEntry> byName(CheckpointReader r) {
    return r.entries().stream().collect(Collectors.toMap(TensorEntry::name, e -> e));
  }

  @Test
  void tf1HalfPlusTwo() {
    try (CheckpointReader r = CheckpointReader.open(prefix("tf1_half_plus_two"))) {
      assertThat(r.entries()).extracting(TensorEntry::name).containsExactly("a", "b", "c");
      assertThat(r.layout()).isEqualTo(CheckpointLayout.TF1);
      assertThat(r.objectGraph()).isEmpty();
      assertThat(r.numShards()).isEqualTo(1);
      TensorEntry a = r.entry("a");
      assertThat(a.dtype()).isEqualTo(DataType.DT_FLOAT);
      assertThat(a.shape()).isEmpty();
      assertThat(a.sizeBytes()).isEqualTo(4);
      assertThat(r.readFloats("a")).containsExactly(0.5f);
      assertThat(r.readFloats("b")).containsExactly(2.0f);
      assertThat(r.readFloats("c")).containsExactly(3.0f);
    }
  }

  @Test
  void tf1Regression() {
    try (CheckpointReader r = CheckpointReader.open(prefix("tf1_regression"))) {
      assertThat(r.entry("w").shape()).containsExactly(1L);
      assertThat(r.readFloats("b")).containsExactly(0.0f);
      // The README prints 7 significant digits of the stored float.
      assertThat(r.readFloats("w")[0]).isCloseTo(-0.8578622f, within(1e-7f));
      assertThat(r.readDoubles("w")[0]).isEqualTo((double) r.readFloats("w")[0]);
    }
  }

  @Test
  void tf2SingleVariable() {
    try (CheckpointReader r = CheckpointReader.open(prefix("tf2_single_variable"))) {
      assertThat(r.layout()).isEqualTo(CheckpointLayout.TF2);
      TensorEntry graph = r.entry(CheckpointReader.OBJECT_GRAPH_KEY);
      assertThat(graph.dtype()).isEqualTo(DataType.DT_STRING);
      assertThat(graph.sizeBytes()).isEqualTo(123);
      assertThat(r.readFloats("variable/.ATTRIBUTES/VARIABLE_VALUE")).containsExactly(2.0f);
      ObjectGraph g = r.objectGraph().orElseThrow();
      ObjectGraph.KeyInfo info = g.forKey("variable/.ATTRIBUTES/VARIABLE_VALUE").orElseThrow();
      assertThat(info.objectPath()).isEqualTo("variable");
      assertThat(info.attribute()).isEqualTo("VARIABLE_VALUE");
      assertThat(info.slot()).isEmpty();
    }
  }

  @Test
  void tf2WithOptimizer() {
    try (CheckpointReader r = CheckpointReader.open(prefix("tf2_regression_with_optimizer"))) {
      assertThat(r.layout()).isEqualTo(CheckpointLayout.TF2);
      Map<String, TensorEntry> e = byName(r);
      assertThat(e.get(CheckpointReader.OBJECT_GRAPH_KEY).sizeBytes()).isEqualTo(537);
      assertThat(r.readFloats("w/.ATTRIBUTES/VARIABLE_VALUE")[0]).isCloseTo(0.20429754f, within(1e-8f));
      assertThat(r.readFloats("b/.ATTRIBUTES/VARIABLE_VALUE")).containsExactly(0.0f);
      assertThat(e.get("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").dtype())
          .isEqualTo(DataType.DT_INT64);
      assertThat(r.readLongs("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE")).containsExactly(0L);
      assertThat(r.readFloats("optimizer/learning_rate/.ATTRIBUTES/VARIABLE_VALUE"))
          .containsExactly(0.5f);
      assertThat(r.readFloats("optimizer/decay/.ATTRIBUTES/VARIABLE_VALUE")).containsExactly(0.0f);
      assertThat(r.readFloats("optimizer/momentum/.ATTRIBUTES/VARIABLE_VALUE"))
          .containsExactly(0.0f);
      ObjectGraph g = r.objectGraph().orElseThrow();
      // Every tensor but the graph itself is an attribute of some object of the graph.
      List<String> keys = r.entries().stream().map(TensorEntry::name)
          .filter(n -> !n.equals(CheckpointReader.OBJECT_GRAPH_KEY)).toList();
      assertThat(g.keys().keySet()).containsAll(keys);
      assertThat(g.forKey("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE").orElseThrow().objectPath())
          .isEqualTo("optimizer/iter");
      assertThat(g.tree(k -> k)).contains("optimizer").contains("learning_rate");
    }
  }

  @Test
  void odapiInitCheckpointMatchesItsVariableList() throws Exception {
    Path dir = Fixtures.get("odapi_reference");
    List<String> tsv = java.nio.file.Files.readAllLines(dir.resolve("variables.tsv"));
    try (CheckpointReader r = CheckpointReader.open(dir.resolve("init_ckpt"))) {
      assertThat(r.entries()).hasSize(199);
      for (String line : tsv.subList(1, tsv.size())) {
        String[] f = line.split("\t");
        TensorEntry e = r.entry(f[0]);
        String shape = e.shapeString();
        assertThat(shape.substring(1, shape.length() - 1).replace(",", "x")).isEqualTo(f[1]);
        assertThat(e.numElements()).isEqualTo(Long.parseLong(f[4]));
      }
      for (TensorEntry e : r.entries()) {
        if (e.dtype() == DataType.DT_FLOAT) {
          assertThat(r.readFloats(e.name())).hasSize((int) e.numElements());
        }
      }
    }
  }
}
