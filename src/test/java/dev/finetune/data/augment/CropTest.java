package dev.finetune.data.augment;

import static dev.finetune.data.augment.TestExamples.coded;
import static dev.finetune.data.augment.TestExamples.pixel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.data.DetectionExample;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CropTest {

  @Test
  void boxFilterDropsOutsideAndLowOverlapClipsTheRest() {
    DetectionExample ex = coded(10, 10,
        0.6f, 0.6f, 0.9f, 0.9f,   // 0: completely outside the window -> dropped
        0.1f, 0.1f, 0.3f, 0.3f,   // 1: inside -> kept, moved
        0.4f, 0.2f, 0.6f, 0.4f,   // 2: IoA 0.5 (half below the window) -> kept, clipped
        0.45f, 0.1f, 0.65f, 0.2f, // 3: IoA 0.25 < 0.3 -> dropped
        0.2f, 0.2f, 0.2f, 0.4f,   // 4: zero area -> dropped (0/0)
        0.5f, 0.0f, 0.7f, 0.1f);  // 5: touches the window's bottom edge only -> dropped
    // Window rows [0, 5), columns [0, 5) of 10 x 10.
    DetectionExample out = BoxWindow.keepInWindow(ex, 5, 5, new float[75],
        0.0f, 0.0f, 0.5f, 0.5f, 0.3f, true);
    assertThat(out.classes()).containsExactly(2, 3);
    assertThat(out.weights()).containsExactly(1.5f, 2.5f);
    assertThat(out.difficult()).containsExactly(true, false);
    assertThat(out.isCrowd()).containsExactly(false, true);
    assertThat(out.boxes()).containsExactly(new float[] {
        0.2f, 0.2f, 0.6f, 0.6f,
        0.8f, 0.4f, 1.0f, 0.8f}, within(1e-6f));
  }

  @Test
  void withoutClippingSurvivorsMayLeaveTheWindow() {
    DetectionExample ex = coded(10, 10, 0.4f, 0.2f, 0.6f, 0.4f);
    DetectionExample out = BoxWindow.keepInWindow(ex, 5, 5, new float[75],
        0.0f, 0.0f, 0.5f, 0.5f, 0.3f, false);
    assertThat(out.boxes()).containsExactly(new float[] {0.8f, 0.4f, 1.2f, 0.8f}, within(1e-6f));
  }

  @Test
  void croppedPixelsAndBoxesStayTogether() {
    // One box; every crop must contain exactly the pixels the box points at.
    DetectionExample ex = coded(40, 60, 0.25f, 0.25f, 0.75f, 0.5f);
    CropOperation op = new CropOperation(0.5f, 0.5f, 2.0f, 0.1f, 1.0f, 0.0f, false, 0.0f);
    for (int seed = 0; seed < 30; seed++) {
      DetectionExample out = new RandomCropImage(op).apply(ex, new Random(seed));
      assertThat(out.numBoxes()).isEqualTo(1);
      // The first pixel of the crop tells where the window is (value y * 1000 + x * 10).
      float first = pixel(out, 0, 0, 0);
      int y0 = (int) (first / 1000);
      int x0 = (int) ((first - y0 * 1000) / 10);
      float[] b = out.boxes();
      // Box top-left in the crop's pixels == the original 10, 15 shifted by the window.
      assertThat(b[0] * out.height()).isCloseTo(10 - y0, within(1e-3f));
      assertThat(b[1] * out.width()).isCloseTo(15 - x0, within(1e-3f));
      assertThat(b[2] * out.height()).isCloseTo(30 - y0, within(1e-3f));
      assertThat(b[3] * out.width()).isCloseTo(30 - x0, within(1e-3f));
    }
  }

  @Test
  void samplerHonoursAreaAspectAndCoverage() {
    float[] box = {0.2f, 0.3f, 0.6f, 0.7f}; // rows [20, 60), cols [60, 140) of 100 x 200
    int fallbacks = 0;
    for (int seed = 0; seed < 300; seed++) {
      CropSampler.Window w = CropSampler.sample(100, 200, box, 0.7f, 0.5f, 2.0f, 0.1f, 0.5f,
          new Random(seed));
      if (w.height() == 100 && w.width() == 200) {
        fallbacks++;
        continue;
      }
      float area = w.height() * w.width();
      assertThat(area).isBetween(0.1f * 20000, 0.5f * 20000);
      float ar = w.width() / (float) w.height();
      // width = round(height * ar): the ratio is within half a pixel per height of the range.
      assertThat(ar).isBetween(0.5f - 0.5f / w.height() - 0.01f, 2.0f + 0.5f / w.height() + 0.01f);
      assertThat(w.y() + w.height()).isLessThanOrEqualTo(100);
      assertThat(w.x() + w.width()).isLessThanOrEqualTo(200);
      int ih = Math.max(0, Math.min(w.y() + w.height(), 60) - Math.max(w.y(), 20));
      int iw = Math.max(0, Math.min(w.x() + w.width(), 140) - Math.max(w.x(), 60));
      assertThat(ih * iw / (40f * 80f)).isGreaterThanOrEqualTo(0.7f);
    }
    assertThat(fallbacks).isLessThan(30);
  }

  @Test
  void impossibleConstraintsFallBackToTheWholeImage() {
    // Covering all of a full-image box needs the whole image, but the area is at most 0.5.
    DetectionExample ex = coded(20, 30, 0.0f, 0.0f, 1.0f, 1.0f, 0.5f, 0.5f, 0.5f, 0.9f);
    CropOperation op = new CropOperation(1.0f, 0.5f, 2.0f, 0.1f, 0.5f, 0.3f, true, 0.0f);
    DetectionExample out = new RandomCropImage(op).apply(ex, new Random(1));
    assertThat(out.height()).isEqualTo(20);
    assertThat(out.width()).isEqualTo(30);
    assertThat(out.pixels()).isSameAs(ex.pixels());
    // The filter still runs against [0, 0, 1, 1]: the zero-area box is dropped.
    assertThat(out.classes()).containsExactly(1);
    assertThat(out.boxes()).containsExactly(0.0f, 0.0f, 1.0f, 1.0f);
  }

  @Test
  void noBoxesMeansTheWholeImageIsTheObjectToCover() {
    DetectionExample ex = coded(20, 30);
    CropOperation op = new CropOperation(0.9f, 0.5f, 2.0f, 0.1f, 1.0f, 0.3f, true, 0.0f);
    for (int seed = 0; seed < 20; seed++) {
      DetectionExample out = new RandomCropImage(op).apply(ex, new Random(seed));
      assertThat(out.height() * out.width()).isGreaterThanOrEqualTo((int) (0.9f * 600));
    }
  }

  @Test
  void randomCoefLeavesThatShareOfExamplesUncropped() {
    DetectionExample ex = coded(20, 30, 0.1f, 0.1f, 0.9f, 0.9f);
    CropOperation op = new CropOperation(0.0f, 0.5f, 2.0f, 0.1f, 0.5f, 0.0f, true, 0.15f);
    Random rng = new Random(42);
    int unchanged = 0;
    for (int i = 0; i < 2000; i++) {
      if (new RandomCropImage(op).apply(ex, rng) == ex) {
        unchanged++;
      }
    }
    assertThat(unchanged / 2000.0).isCloseTo(0.15, within(0.03));
  }

  @Test
  void ssdDefaultOperationsAreTheApisSeven() {
    float[] covered = {0.0f, 0.1f, 0.3f, 0.5f, 0.7f, 0.9f, 1.0f};
    assertThat(SsdRandomCrop.DEFAULT_OPERATIONS).hasSize(7);
    for (int i = 0; i < 7; i++) {
      assertThat(SsdRandomCrop.DEFAULT_OPERATIONS.get(i)).isEqualTo(new CropOperation(
          covered[i], 0.5f, 2.0f, 0.1f, 1.0f, covered[i], true, 0.15f));
    }
  }

  @Test
  void ssdCropPicksOperationsUniformly() {
    // Two operations with disjoint area ranges: the crop size tells which one ran.
    CropOperation small = new CropOperation(0.0f, 1.0f, 1.0f, 0.1f, 0.2f, 0.0f, true, 0.0f);
    CropOperation large = new CropOperation(0.0f, 1.0f, 1.0f, 0.8f, 1.0f, 0.0f, true, 0.0f);
    SsdRandomCrop crop = new SsdRandomCrop(java.util.List.of(small, large));
    DetectionExample ex = coded(50, 50, 0.0f, 0.0f, 1.0f, 1.0f);
    Random rng = new Random(9);
    int smallCount = 0;
    for (int i = 0; i < 1000; i++) {
      DetectionExample out = crop.apply(ex, rng);
      if (out.height() * out.width() <= 0.2f * 2500) {
        smallCount++;
      }
    }
    assertThat(smallCount / 1000.0).isCloseTo(0.5, within(0.06));
  }
}
