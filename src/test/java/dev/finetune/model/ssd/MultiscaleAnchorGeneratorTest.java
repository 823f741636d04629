package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.Fixtures;
import dev.finetune.config.ConfigException;
import dev.finetune.model.ReferenceFixture;
import dev.finetune.model.core.Anchors;
import dev.finetune.proto.AnchorGenerator;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class MultiscaleAnchorGeneratorTest {

  @Test
  void equalsTheApisAnchorsOfTheFpnLiteReferenceBitForBit() throws Exception {
    var dir = Fixtures.get("odapi_reference_fpnlite");
    var model = ReferenceFixture.parseModelBlock(
        Files.readString(dir.resolve("pipeline_effective.config")));
    var gen = AnchorGeneratorBuilder.build(model.getSsd().getAnchorGenerator());
    JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("anchors.json")))
        .getAsJsonObject();
    JsonArray shapes = json.getAsJsonArray("feature_map_shapes");
    int[][] maps = new int[shapes.size()][];
    for (int i = 0; i < maps.length; i++) {
      JsonArray s = shapes.get(i).getAsJsonArray();
      maps[i] = new int[] {s.get(1).getAsInt(), s.get(2).getAsInt()};
    }
    Anchors a = gen.generate(maps, 256, 256);
    JsonArray ref = json.getAsJsonArray("anchors");
    assertThat(a.count()).isEqualTo(ref.size()).isEqualTo(8184);
    int differing = 0;
    for (int i = 0; i < ref.size(); i++) {
      JsonArray box = ref.get(i).getAsJsonArray();
      for (int q = 0; q < 4; q++) {
        if ((float) box.get(q).getAsDouble() != a.boxes()[4 * i + q]) {
          differing++;
        }
      }
    }
    assertThat(differing).as("coordinates differing from the API's float32 anchors").isZero();
    assertThat(gen.numAnchorsPerLocation()).containsExactly(6, 6, 6, 6, 6);
  }

  /** The API's formula, written out in double: base 2^level·scale, offset half a stride or 0. */
  @Test
  void followsTheFormulaOnAnImageThatIsNotAMultipleOfTheStride() {
    var gen = new MultiscaleAnchorGenerator(
        new MultiscaleAnchorGenerator.Settings(2, 3, 3f, new float[] {1f, 4f}, 3, true));
    int imageH = 40; // a multiple of 4 and 8: offset half a stride
    int imageW = 36; // a multiple of 4, not of 8: offset 0 at level 3
    int[][] maps = {{10, 9}, {5, 5}};
    Anchors a = gen.generate(maps, imageH, imageW);
    assertThat(a.count()).isEqualTo((10 * 9 + 5 * 5) * 6);
    int i = 0;
    for (int l = 0; l < 2; l++) {
      int level = 2 + l;
      double stride = Math.pow(2, level);
      double offY = imageH % stride == 0 ? stride / 2 : 0;
      double offX = imageW % stride == 0 ? stride / 2 : 0;
      for (int y = 0; y < maps[l][0]; y++) {
        for (int x = 0; x < maps[l][1]; x++) {
          for (double ratio : new double[] {1, 4}) {
            for (int s = 0; s < 3; s++) {
              double scale = Math.pow(2, s / 3.0);
              double h = scale / Math.sqrt(ratio) * 3 * stride;
              double w = scale * Math.sqrt(ratio) * 3 * stride;
              double cy = y * stride + offY;
              double cx = x * stride + offX;
              double[] expected = {
                (cy - h / 2) / imageH, (cx - w / 2) / imageW, (cy + h / 2) / imageH,
                (cx + w / 2) / imageW
              };
              for (int q = 0; q < 4; q++) {
                assertThat((double) a.boxes()[4 * i + q]).isCloseTo(expected[q], within(1e-6));
              }
              i++;
            }
          }
        }
      }
    }
    assertThat(a.anchorsPerLayer()).containsExactly(90 * 6, 25 * 6);
  }

  @Test
  void absoluteCoordinatesWhenNotNormalized() {
    var gen = new MultiscaleAnchorGenerator(
        new MultiscaleAnchorGenerator.Settings(3, 3, 4f, new float[] {1f}, 1, false));
    Anchors a = gen.generate(new int[][] {{2, 2}}, 16, 16);
    // Level 3: stride 8, base 32, offset 4: the first box is centred at (4, 4), 32 wide.
    assertThat(a.boxes()).startsWith(-12f, -12f, 20f, 20f, -12f, -4f, 20f, 28f);
  }

  @Test
  void builderChecksTheFields() {
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(anchor(
        "multiscale_anchor_generator { min_level: 5 max_level: 3 aspect_ratios: 1.0 }")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("min_level");
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(anchor(
        "multiscale_anchor_generator { }")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no aspect_ratios");
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(anchor(
        "multiscale_anchor_generator { aspect_ratios: 1.0 scales_per_octave: 0 }")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("scales_per_octave");
    var ok = AnchorGeneratorBuilder.build(anchor(
        "multiscale_anchor_generator { min_level: 3 max_level: 7 anchor_scale: 4.0"
            + " aspect_ratios: 1.0 aspect_ratios: 2.0 aspect_ratios: 0.5 scales_per_octave: 2 }"));
    assertThat(ok.numAnchorsPerLocation()).containsExactly(6, 6, 6, 6, 6);
  }

  private static AnchorGenerator anchor(String text) {
    AnchorGenerator.Builder b = AnchorGenerator.newBuilder();
    try {
      com.google.protobuf.TextFormat.merge(text, b);
    } catch (com.google.protobuf.TextFormat.ParseException e) {
      throw new AssertionError(e);
    }
    return b.build();
  }
}
