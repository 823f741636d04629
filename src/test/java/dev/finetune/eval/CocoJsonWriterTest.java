package dev.finetune.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CocoJsonWriterTest {
  private static final List<Category> CATS = List.of(new Category(1, "cat"), new Category(2, "dog"));

  @Test
  void writesGroundTruthAndDetectionsInPixels() throws IOException {
    CocoDataset data = new CocoDataset(CATS);
    // 640x480 image; normalized box [.25, .5, .75, 1.0] → x 320, y 120, w 320, h 240.
    data.add(
        new EvalImage(
            "42",
            640,
            480,
            new EvalImage.GroundTruth(
                new float[][] {{0.25f, 0.5f, 0.75f, 1.0f}, {0f, 0f, 0.1f, 0.1f}, {0f, 0f, 0.5f, 0.5f}},
                new int[] {2, -1, 1},
                new boolean[] {true, false, false},
                null),
            new EvalImage.Detections(
                new float[][] {{0.25f, 0.5f, 0.75f, 1.0f}, {0f, 0f, 1f, 1f}},
                new float[] {0.75f, 0.5f},
                new int[] {2, 5})));
    data.add(new EvalImage("7", 100, 100, null, null));

    StringWriter gtText = new StringWriter();
    CocoJsonWriter.writeGroundTruth(data, gtText);
    JsonObject gt = JsonParser.parseString(gtText.toString()).getAsJsonObject();
    JsonArray images = gt.getAsJsonArray("images");
    assertThat(images).hasSize(2);
    assertThat(images.get(0).getAsJsonObject().get("id").getAsJsonPrimitive().isNumber()).isTrue();
    assertThat(images.get(0).getAsJsonObject().get("width").getAsInt()).isEqualTo(640);
    JsonArray anns = gt.getAsJsonArray("annotations");
    assertThat(anns).hasSize(2); // the -1 padding row is dropped
    JsonObject a = anns.get(0).getAsJsonObject();
    assertThat(a.get("id").getAsLong()).isEqualTo(1);
    assertThat(a.get("image_id").getAsLong()).isEqualTo(42);
    assertThat(a.get("category_id").getAsInt()).isEqualTo(2);
    assertThat(doubles(a.getAsJsonArray("bbox"))).containsExactly(320.0, 120.0, 320.0, 240.0);
    assertThat(a.get("area").getAsDouble()).isEqualTo(320.0 * 240.0);
    assertThat(a.get("iscrowd").getAsInt()).isEqualTo(1);
    // ids count every input row, the dropped one too (the API's running counter)
    assertThat(anns.get(1).getAsJsonObject().get("id").getAsLong()).isEqualTo(3);
    assertThat(gt.getAsJsonArray("categories").get(1).getAsJsonObject().get("name").getAsString())
        .isEqualTo("dog");

    StringWriter detText = new StringWriter();
    CocoJsonWriter.writeDetections(data, detText);
    JsonArray dets = JsonParser.parseString(detText.toString()).getAsJsonArray();
    assertThat(dets).hasSize(1); // class 5 is not a category
    JsonObject d = dets.get(0).getAsJsonObject();
    assertThat(d.get("image_id").getAsLong()).isEqualTo(42);
    assertThat(d.get("category_id").getAsInt()).isEqualTo(2);
    assertThat(doubles(d.getAsJsonArray("bbox"))).containsExactly(320.0, 120.0, 320.0, 240.0);
    assertThat(d.get("score").getAsDouble()).isEqualTo(0.75);
  }

  @Test
  void nonNumericImageIdsAreStrings() throws IOException {
    CocoDataset data = new CocoDataset(CATS);
    data.add(new EvalImage("a.jpg", 10, 10, null, null));
    data.add(new EvalImage("12", 10, 10, null, null));
    StringWriter text = new StringWriter();
    CocoJsonWriter.writeGroundTruth(data, text);
    JsonArray images = JsonParser.parseString(text.toString()).getAsJsonObject().getAsJsonArray("images");
    assertThat(images.get(1).getAsJsonObject().get("id").getAsJsonPrimitive().isString()).isTrue();
    assertThat(images.get(1).getAsJsonObject().get("id").getAsString()).isEqualTo("12");
  }

  @Test
  void mismatchedArraysAreRejected() {
    assertThatThrownBy(
            () -> new EvalImage.Detections(new float[][] {{0, 0, 1, 1}}, new float[0], new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("detection scores: 0 for 1 boxes");
  }

  private static double[] doubles(JsonArray a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsDouble();
    }
    return out;
  }
}
