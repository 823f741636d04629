package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCheckpointCommandTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  private static String tf2() {
    return Fixtures.get("checkpoints/tf2_regression_with_optimizer").resolve("variables").toString();
  }

  @Test
  void listsTensorsWithTotals() {
    Run r = run("inspect_checkpoint", "--file_name", tf2());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("(tf2, 1 data shard)")
        .containsPattern("optimizer/iter/\\.ATTRIBUTES/VARIABLE_VALUE\\s+int64\\s+\\[\\]\\s+8 B")
        .containsPattern("w/\\.ATTRIBUTES/VARIABLE_VALUE\\s+float\\s+\\[1\\]\\s+4 B")
        .contains("7 tensors, 7 values, 565 B");
  }

  @Test
  void jsonListingHasTheDocumentedShape() {
    Run r = run("inspect-checkpoint", "--file-name", tf2(), "--json");
    assertThat(r.code()).isZero();
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(o.keySet()).containsExactly("file", "layout", "tensors");
    assertThat(o.get("file").getAsString())
        .isEqualTo(Path.of(tf2()).toAbsolutePath().normalize().toString());
    assertThat(o.get("layout").getAsString()).isEqualTo("tf2");
    JsonArray tensors = o.getAsJsonArray("tensors");
    assertThat(tensors).hasSize(7);
    JsonObject w = tensors.get(6).getAsJsonObject();
    assertThat(w.keySet()).containsExactly("name", "dtype", "shape", "size_bytes");
    assertThat(w.get("name").getAsString()).isEqualTo("w/.ATTRIBUTES/VARIABLE_VALUE");
    assertThat(w.get("dtype").getAsString()).isEqualTo("float");
    assertThat(w.getAsJsonArray("shape").get(0).getAsLong()).isEqualTo(1);
    assertThat(w.get("size_bytes").getAsLong()).isEqualTo(4);
  }

  @Test
  void jsonTensorHasAllValues() {
    Run r = run("inspect_checkpoint", "--file_name", tf2(), "--tensor_name",
        "w/.ATTRIBUTES/VARIABLE_VALUE", "--json");
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(o.keySet()).containsExactly("name", "dtype", "shape", "values");
    assertThat(o.getAsJsonArray("values").get(0).getAsFloat()).isEqualTo(0.20429754f);

    Run iter = run("inspect_checkpoint", "--file_name", tf2(), "--tensor_name",
        "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE", "--json");
    assertThat(JsonParser.parseString(iter.out()).getAsJsonObject().getAsJsonArray("values").get(0)
        .getAsLong()).isZero();

    Run all = run("inspect_checkpoint", "--file_name", tf2(), "--all_tensors", "--json");
    JsonArray tensors = JsonParser.parseString(all.out()).getAsJsonObject().getAsJsonArray("tensors");
    assertThat(tensors).hasSize(7);
    // The object graph: one string of 531 bytes (this serialized proto happens to be ASCII).
    assertThat(tensors.get(0).getAsJsonObject().getAsJsonArray("values").get(0).getAsString())
        .hasSize(531).contains("optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE");
  }

  @Test
  void bigTensorsPrintASummaryUnlessAllValues() {
    Path dir = Fixtures.get("odapi_reference");
    String name = "BoxPredictor_0/BoxEncodingPredictor/biases"; // 12 values
    String big = "BoxPredictor_0/BoxEncodingPredictor/weights"; // 6144 values
    Run small = run("inspect_checkpoint", "--file_name", dir.resolve("init_ckpt").toString(),
        "--tensor_name", name);
    assertThat(small.out()).doesNotContain("count").doesNotContain("more");
    Run summary = run("inspect_checkpoint", "--file_name", dir.resolve("init_ckpt").toString(),
        "--tensor_name", big);
    assertThat(summary.out()).contains("count 6,144  min ").contains(" mean ").contains(" std ")
        .contains("(6134 more; --all_values prints all)");
    Run all = run("inspect_checkpoint", "--file_name", dir.resolve("init_ckpt").toString(),
        "--tensor_name", big, "--all_values");
    assertThat(all.out().split(",").length).isGreaterThan(6144);
  }

  @Test
  void layoutPrintsTheObjectTree() {
    Run r = run("inspect_checkpoint", "--file_name", tf2(), "--layout");
    assertThat(r.out()).contains("layout tf2").contains("  optimizer  (object 3)")
        .contains("    learning_rate  (object 7)")
        .contains(".VARIABLE_VALUE -> optimizer/learning_rate/.ATTRIBUTES/VARIABLE_VALUE  float []");
    Run tf1 = run("inspect_checkpoint", "--file_name",
        Fixtures.get("checkpoints/tf1_regression").resolve("variables").toString(), "--layout");
    assertThat(tf1.out()).contains("layout tf1");
    Run json = run("inspect_checkpoint", "--file_name", tf2(), "--layout", "--json");
    JsonObject o = JsonParser.parseString(json.out()).getAsJsonObject();
    assertThat(o.getAsJsonArray("objects").get(7).getAsJsonObject().get("path").getAsString())
        .isEqualTo("optimizer/learning_rate");
  }

  @Test
  void badInputExitsWithCode4AndOneMessage() throws Exception {
    Run missing = run("inspect_checkpoint", "--file_name", tmp.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(4);
    assertThat(missing.err()).startsWith("finetune: error: no checkpoint at " + tmp.resolve("nope"))
        .doesNotContain("Exception").doesNotContain("\tat ");

    Path prefix = tmp.resolve("bad");
    Files.write(tmp.resolve("bad.index"), new byte[100]);
    Run corrupt = run("inspect_checkpoint", "--file_name", prefix.toString());
    assertThat(corrupt.code()).isEqualTo(4);
    assertThat(corrupt.err()).contains(tmp.resolve("bad.index") + " is not a TensorFlow checkpoint index");

    Run noTensor = run("inspect_checkpoint", "--file_name", tf2(), "--tensor_name", "nope");
    assertThat(noTensor.code()).isEqualTo(4);
    assertThat(noTensor.err()).contains("tensor 'nope' is not in checkpoint");

    Run usage = run("inspect_checkpoint");
    assertThat(usage.code()).isEqualTo(2);
  }
}
