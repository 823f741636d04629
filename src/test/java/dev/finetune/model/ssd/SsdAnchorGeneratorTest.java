package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.Fixtures;
import dev.finetune.model.core.Anchors;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class SsdAnchorGeneratorTest {
  static final int[][] MAPS_300 = {{19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}};

  @Test
  void stockConfigGives1917AnchorsInTheApiLayout() {
    SsdAnchorGenerator gen = new SsdAnchorGenerator(SsdAnchorGenerator.Settings.stock());
    assertThat(gen.numAnchorsPerLocation()).containsExactly(3, 6, 6, 6, 6, 6);
    Anchors a = gen.generate(MAPS_300, 300, 300);
    assertThat(a.count()).isEqualTo(1917);
    assertThat(a.anchorsPerLayer()).containsExactly(1083, 600, 150, 54, 24, 6);
    assertThat(a.layerOffsets()).containsExactly(0, 1083, 1683, 1833, 1887, 1911);
  }

  @Test
  void firstAnchorsByHand() {
    Anchors a = new SsdAnchorGenerator(SsdAnchorGenerator.Settings.stock()).generate(MAPS_300, 300, 300);
    float[] b = a.boxes();
    // Layer 0, cell (0,0): centre 0.5/19; box 0 is scale 0.1, ratio 1 → half size 0.05.
    double c = 0.5 / 19;
    assertThat(b[0]).isCloseTo((float) (c - 0.05), within(1e-6f));
    assertThat(b[2]).isCloseTo((float) (c + 0.05), within(1e-6f));
    // Box 1: scale 0.2, ratio 2 → h = 0.2/√2, w = 0.2·√2.
    assertThat(b[4]).isCloseTo((float) (c - 0.1 / Math.sqrt(2)), within(1e-6f));
    assertThat(b[5]).isCloseTo((float) (c - 0.1 * Math.sqrt(2)), within(1e-6f));
    // Layer 1 first anchor: centre 0.05, scale 0.35 → [-0.125, -0.125, 0.225, 0.225].
    assertThat(b[4 * 1083]).isCloseTo(-0.125f, within(1e-6f));
    assertThat(b[4 * 1083 + 3]).isCloseTo(0.225f, within(1e-6f));
    // Layer 1 box 5: interpolated scale √(0.35·0.5), ratio 1.
    double s = Math.sqrt(0.35 * 0.5) / 2;
    assertThat(b[4 * 1088]).isCloseTo((float) (0.05 - s), within(1e-6f));
    // Last anchor: 1x1 map, centre 0.5, interpolated scale √(0.95·1).
    assertThat(b[4 * 1916]).isCloseTo((float) (0.5 - Math.sqrt(0.95) / 2), within(1e-6f));
  }

  @Test
  void reducedLowestLayerOffAndNoInterpolatedBox() {
    var settings = new SsdAnchorGenerator.Settings(6, 0.2f, 0.95f, new float[0], new float[] {1f, 2f},
        0f, 1f, 1f, new int[0], new int[0], new int[0], new int[0], false);
    assertThat(new SsdAnchorGenerator(settings).numAnchorsPerLocation()).containsExactly(2, 2, 2, 2, 2, 2);
  }

  @Test
  void stridesAndOffsetsInPixels() {
    var settings = new SsdAnchorGenerator.Settings(1, 0.5f, 0.5f, new float[] {0.5f}, new float[] {1f},
        0f, 1f, 1f, new int[] {100}, new int[] {50}, new int[] {0}, new int[] {25}, false);
    Anchors a = new SsdAnchorGenerator(settings).generate(new int[][] {{2, 2}}, 200, 100);
    // min dim 100: base = [100/200, 100/100] = [0.5, 1]; scale 0.5 → h 0.25, w 0.5.
    // Row stride 100/200 = 0.5, offset 0; column stride 50/100 = 0.5, offset 25/100 = 0.25.
    float[] b = a.boxes();
    assertThat(b[0]).isCloseTo(-0.125f, within(1e-7f));
    assertThat(b[1]).isCloseTo(0.0f, within(1e-7f));
    assertThat(b[4 * 3]).isCloseTo(0.375f, within(1e-7f)); // row 1, col 1: cy 0.5
    assertThat(b[4 * 3 + 3]).isCloseTo(1.0f, within(1e-7f)); // cx 0.75 + 0.25
  }

  @Test
  void matchesTheApisAnchorsWithin1e6() throws Exception {
    var path = Fixtures.get("odapi_reference/anchors.json");
    JsonObject json = JsonParser.parseString(Files.readString(path)).getAsJsonObject();
    JsonArray ref = json.getAsJsonArray("anchors");
    Anchors a = new SsdAnchorGenerator(SsdAnchorGenerator.Settings.stock()).generate(MAPS_300, 300, 300);
    assertThat(ref.size()).isEqualTo(a.count());
    double maxDiff = 0;
    for (int i = 0; i < ref.size(); i++) {
      JsonArray box = ref.get(i).getAsJsonArray();
      for (int q = 0; q < 4; q++) {
        maxDiff = Math.max(maxDiff, Math.abs(box.get(q).getAsDouble() - a.boxes()[4 * i + q]));
      }
    }
    System.out.println("anchors: max |diff| vs the API = " + maxDiff);
    assertThat(maxDiff).isLessThan(1e-6);
    JsonArray perLoc = json.getAsJsonArray("num_anchors_per_location");
    for (int l = 0; l < perLoc.size(); l++) {
      assertThat(a.boxesPerLocation()[l]).isEqualTo(perLoc.get(l).getAsInt());
    }
  }
}
