package dev.finetune.util;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
  @TempDir Path dir;

  private static JsonObject record(int step, float loss) {
    JsonObject o = new JsonObject();
    o.addProperty("step", step);
    o.add("loss", Json.number(loss));
    o.addProperty("scope", "FeatureExtractor/<b>=&'");
    return o;
  }

  @Test
  void writeReplacesTheFileWholeAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("reports/restore_report.json");
    Json.write(file, record(1, 0.1f));
    Json.write(file, record(2, 0.25f));
    String text = Files.readString(file);
    assertThat(text).endsWith("}\n").contains("\n  \"step\": 2");
    assertThat(JsonParser.parseString(text).getAsJsonObject().get("loss").getAsFloat()).isEqualTo(0.25f);
    assertThat(text).as("no HTML escaping").contains("FeatureExtractor/<b>=&'");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void appendLineWritesOneCompactRecordPerLine() throws IOException {
    Path file = dir.resolve("metrics.jsonl");
    Json.appendLine(file, record(1, 0.1f));
    Json.appendLine(file, record(2, Float.NaN));
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).containsExactly(
        "{\"step\":1,\"loss\":0.1,\"scope\":\"FeatureExtractor/<b>=&'\"}",
        "{\"step\":2,\"loss\":\"NaN\",\"scope\":\"FeatureExtractor/<b>=&'\"}");
  }

  @Test
  void nonFiniteNumbersAreStringsAndShapesAreArrays() {
    assertThat(Json.number(Double.POSITIVE_INFINITY).getAsString()).isEqualTo("Infinity");
    assertThat(Json.number(Float.NEGATIVE_INFINITY).getAsString()).isEqualTo("-Infinity");
    assertThat(Json.line(Json.number(0.1f))).isEqualTo("0.1");
    assertThat(Json.line(Json.array(1L, 300, 300, 3))).isEqualTo("[1,300,300,3]");
    assertThat(Json.line(Json.array(2, 4))).isEqualTo("[2,4]");
    assertThat(Json.line(Json.strings(List.of("a", "b")))).isEqualTo("[\"a\",\"b\"]");
  }
}
