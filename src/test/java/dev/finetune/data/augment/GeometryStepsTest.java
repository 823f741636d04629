package dev.finetune.data.augment;

import static dev.finetune.data.augment.TestExamples.coded;
import static dev.finetune.data.augment.TestExamples.fixedFloat;
import static dev.finetune.data.augment.TestExamples.pixel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.data.DetectionExample;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GeometryStepsTest {
  private static final float[] BOX = {0.1f, 0.2f, 0.5f, 0.6f};

  @Test
  void horizontalFlipMirrorsPixelsAndBoxes() {
    DetectionExample ex = coded(2, 4, BOX);
    float[] before = ex.pixels().clone();
    DetectionExample out = new RandomHorizontalFlip(0.5f).apply(ex, fixedFloat(0.49f));
    assertThat(pixel(out, 1, 0, 2)).isEqualTo(1032f); // was (1, 3)
    assertThat(pixel(out, 0, 3, 0)).isEqualTo(0f);
    assertThat(out.boxes()).containsExactly(new float[] {0.1f, 0.4f, 0.5f, 0.8f}, within(1e-6f));
    assertThat(ex.pixels()).containsExactly(before);
    assertThat(ex.boxes()).containsExactly(BOX);
  }

  @Test
  void flipsOnlyWhenTheDrawIsBelowTheProbability() {
    DetectionExample ex = coded(2, 4, BOX);
    assertThat(new RandomHorizontalFlip(0.5f).apply(ex, fixedFloat(0.5f))).isSameAs(ex);
    assertThat(new RandomVerticalFlip(0.5f).apply(ex, fixedFloat(0.5f))).isSameAs(ex);
    assertThat(new RandomRotation90(0.5f).apply(ex, fixedFloat(0.5f))).isSameAs(ex);
    assertThat(new RandomHorizontalFlip(0.0f).apply(ex, fixedFloat(0.0f))).isSameAs(ex);
  }

  @Test
  void verticalFlipMirrorsRowsAndBoxes() {
    DetectionExample out = new RandomVerticalFlip(0.5f).apply(coded(3, 2, BOX), fixedFloat(0.1f));
    assertThat(pixel(out, 0, 1, 1)).isEqualTo(2011f); // was (2, 1)
    assertThat(out.boxes()).containsExactly(new float[] {0.5f, 0.2f, 0.9f, 0.6f}, within(1e-6f));
  }

  @Test
  void rotation90IsCounterClockwise() {
    // 2 x 3 image -> 3 x 2. Counter-clockwise: the top-right pixel goes to the top-left.
    DetectionExample out = new RandomRotation90(0.5f).apply(coded(2, 3, BOX), fixedFloat(0.1f));
    assertThat(out.height()).isEqualTo(3);
    assertThat(out.width()).isEqualTo(2);
    assertThat(pixel(out, 0, 0, 0)).isEqualTo(20f); // was (0, 2)
    assertThat(pixel(out, 0, 1, 0)).isEqualTo(1020f); // was (1, 2)
    assertThat(pixel(out, 2, 0, 0)).isEqualTo(0f); // was (0, 0)
    // [ymin, xmin, ymax, xmax] -> [1 - xmax, ymin, 1 - xmin, ymax]
    assertThat(out.boxes()).containsExactly(new float[] {0.4f, 0.1f, 0.8f, 0.5f}, within(1e-6f));
  }

  @Test
  void padPlacesTheImageAndKeepsBoxesOnTheSamePixels() {
    // 2 x 4 image into 4 x 8 (both ranges degenerate: min = max), offsets drawn from the generator.
    DetectionExample ex = coded(2, 4, 0.0f, 0.25f, 0.5f, 0.75f);
    Random rng = new Random(5);
    DetectionExample out = new RandomPadImage(4, 8, 4, 8, new float[] {1, 2, 3}).apply(ex, rng);
    assertThat(out.height()).isEqualTo(4);
    assertThat(out.width()).isEqualTo(8);
    int oy = -1;
    int ox = -1;
    for (int y = 0; y < 4 && oy < 0; y++) {
      for (int x = 0; x < 8; x++) {
        if (pixel(out, y, x, 0) == 0f && pixel(out, y, x, 1) == 1f) {
          oy = y;
          ox = x;
          break;
        }
      }
    }
    assertThat(oy).isBetween(0, 1); // randint[0, 4 - 2)
    assertThat(ox).isBetween(0, 3); // randint[0, 8 - 4)
    assertThat(pixel(out, oy + 1, ox + 3, 2)).isEqualTo(1032f);
    // Box covered pixel rows [0, 1) and columns [1, 3) of the original.
    assertThat(out.boxes()).containsExactly(
        new float[] {oy / 4f, (ox + 1) / 8f, (oy + 1) / 4f, (ox + 3) / 8f}, within(1e-6f));
    // A padded pixel has the pad colour.
    int py = oy == 0 ? 3 : 0;
    assertThat(new float[] {pixel(out, py, 0, 0), pixel(out, py, 0, 1), pixel(out, py, 0, 2)})
        .containsExactly(1, 2, 3);
  }

  @Test
  void padDefaultsToTheMeanColourAndAtMostTwiceTheSize() {
    DetectionExample ex = coded(2, 2);
    for (int seed = 0; seed < 20; seed++) {
      DetectionExample out = new RandomPadImage(-1, -1, -1, -1, null).apply(ex, new Random(seed));
      assertThat(out.height()).isBetween(2, 3);
      assertThat(out.width()).isBetween(2, 3);
    }
    // Sizes set to 0 are raised to the image size: no padding (unlike unset sizes).
    DetectionExample same = new RandomPadImage(0, 0, 0, 0, null).apply(ex, new Random(1));
    assertThat(new int[] {same.height(), same.width()}).containsExactly(2, 2);
    float[] mean = ImageOps.channelMeans(ex.pixels());
    assertThat(mean).containsExactly(new float[] {505f, 506f, 507f}, within(1e-3f));
  }

  @Test
  void absolutePadGrowsBySmallAmounts() {
    DetectionExample ex = coded(5, 6);
    for (int seed = 0; seed < 20; seed++) {
      DetectionExample out = new RandomAbsolutePadImage(3, 1, new float[] {0, 0, 0})
          .apply(ex, new Random(seed));
      assertThat(out.height()).isBetween(5, 7);
      assertThat(out.width()).isEqualTo(6); // max == min + 1 - 1: randint[6, 7) = 6
    }
  }

  @Test
  void imageScaleResizesWithAlignedCornersAndKeepsBoxes() {
    DetectionExample ex = coded(3, 5, BOX);
    DetectionExample out = new RandomImageScale(2.0f, 2.0f).apply(ex, new Random(1));
    assertThat(out.height()).isEqualTo(6);
    assertThat(out.width()).isEqualTo(10);
    // align_corners: the corners are the original corners.
    assertThat(pixel(out, 5, 9, 1)).isEqualTo(pixel(ex, 2, 4, 1));
    assertThat(pixel(out, 0, 0, 0)).isEqualTo(0f);
    assertThat(out.boxes()).isSameAs(ex.boxes());
  }

  @Test
  void jitterMovesEachEdgeByAtMostHalfTheRatioAndClips() {
    DetectionExample ex = coded(4, 4, 0.2f, 0.2f, 0.6f, 1.0f);
    for (int seed = 0; seed < 50; seed++) {
      float[] b = new RandomJitterBoxes(0.1f, RandomJitterBoxes.Mode.DEFAULT)
          .apply(ex, new Random(seed)).boxes();
      assertThat(b[0]).isBetween(0.2f - 0.02f - 1e-6f, 0.2f + 0.02f + 1e-6f);
      assertThat(b[1]).isBetween(0.2f - 0.04f - 1e-6f, 0.2f + 0.04f + 1e-6f);
      assertThat(b[3]).isLessThanOrEqualTo(1.0f);
    }
    float[] shrunk = new RandomJitterBoxes(0.1f, RandomJitterBoxes.Mode.SHRINK_SYMMETRIC)
        .apply(ex, new Random(3)).boxes();
    // Symmetric: the centre does not move.
    assertThat(shrunk[0] + shrunk[2]).isCloseTo(0.8f, within(1e-5f));
    assertThat(shrunk[1] + shrunk[3]).isCloseTo(1.2f, within(1e-5f));
    assertThat(shrunk[2] - shrunk[0]).isLessThanOrEqualTo(0.4f + 1e-6f);
  }
}
