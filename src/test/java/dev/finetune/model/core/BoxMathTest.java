package dev.finetune.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Box coder, IoU and the argmax matcher against hand-computed values. */
class BoxMathTest {

  private static Anchors anchors(float... boxes) {
    return new Anchors(boxes, new int[] {boxes.length / 4}, new int[] {1});
  }

  @Test
  void encodeByHand() {
    // Anchor centre (0.5, 0.5), size 0.2 x 0.4; box centre (0.55, 0.4), size 0.4 x 0.2.
    Anchors a = anchors(0.4f, 0.3f, 0.6f, 0.7f);
    float[] out = new float[4];
    FasterRcnnBoxCoder.standard().encode(0.35f, 0.3f, 0.75f, 0.5f, a.centersAndSizes(), 0, out, 0);
    assertThat(out[0]).isCloseTo(10f * 0.05f / 0.2f, within(1e-5f)); // ty = 2.5
    assertThat(out[1]).isCloseTo(10f * -0.1f / 0.4f, within(1e-5f)); // tx = -2.5
    assertThat(out[2]).isCloseTo((float) (5 * Math.log(2)), within(1e-5f));
    assertThat(out[3]).isCloseTo((float) (5 * Math.log(0.5)), within(1e-5f));
  }

  @Test
  void epsilonKeepsZeroSizeBoxesFinite() {
    Anchors a = anchors(0.4f, 0.3f, 0.6f, 0.7f);
    float[] out = new float[4];
    FasterRcnnBoxCoder.standard().encode(0.5f, 0.5f, 0.5f, 0.5f, a.centersAndSizes(), 0, out, 0);
    // log((0 + 1e-8) / (0.2 + 1e-8)) * 5 ≈ 5·ln(5e-8)
    assertThat(out[2]).isCloseTo((float) (5 * Math.log(1e-8 / 0.2)), within(1e-3f));
    for (float v : out) {
      assertThat(Float.isFinite(v)).isTrue();
    }
  }

  @Test
  void decodeInvertsEncode() {
    Anchors a = anchors(0.1f, 0.2f, 0.3f, 0.5f, -0.05f, -0.05f, 0.05f, 0.05f);
    float[][] g = a.centersAndSizes();
    FasterRcnnBoxCoder coder = new FasterRcnnBoxCoder(10f, 10f, 5f, 5f);
    float[] box = {0.12f, 0.25f, 0.4f, 0.45f};
    float[] codes = new float[8];
    coder.encode(box[0], box[1], box[2], box[3], g, 0, codes, 0);
    coder.encode(box[0], box[1], box[2], box[3], g, 1, codes, 4);
    float[] decoded = coder.decode(codes, g);
    for (int i = 0; i < 8; i++) {
      assertThat(decoded[i]).isCloseTo(box[i % 4], within(1e-5f));
    }
  }

  @Test
  void iouByHand() {
    float[] a = {0f, 0f, 1f, 1f, 0f, 0f, 0f, 0f};
    float[] b = {0f, 0f, 1f, 1f, 0.5f, 0.5f, 1.5f, 1.5f, 2f, 2f, 3f, 3f};
    float[] iou = IouSimilarity.compute(a, 2, b, 3);
    assertThat(iou[0]).isEqualTo(1f);
    assertThat(iou[1]).isCloseTo(0.25f / 1.75f, within(1e-7f));
    assertThat(iou[2]).isZero();
    assertThat(iou[3]).isZero(); // zero-size box: no intersection → 0, not NaN
  }

  @Test
  void matcherThresholds() {
    // 1 row, 4 columns with similarities below, between, at and above the thresholds 0.4 / 0.6.
    float[] sim = {0.3f, 0.5f, 0.6f, 0.9f};
    var lower = new ArgMaxMatcher(new ArgMaxMatcher.Settings(0.6f, 0.4f, false, true, false));
    assertThat(lower.match(sim, 1, 4, null)).containsExactly(-1, -2, 0, 0);
    var swapped = new ArgMaxMatcher(new ArgMaxMatcher.Settings(0.6f, 0.4f, false, false, false));
    assertThat(swapped.match(sim, 1, 4, null)).containsExactly(-2, -1, 0, 0);
    var none = new ArgMaxMatcher(new ArgMaxMatcher.Settings(0.6f, 0.4f, true, true, false));
    assertThat(none.match(sim, 1, 4, null)).containsExactly(0, 0, 0, 0);
    assertThat(lower.match(new float[0], 0, 4, null)).containsExactly(-1, -1, -1, -1);
  }

  @Test
  void matcherTiesGoToTheLowestRowAndForcedMatchesToTheLowestRow() {
    // rows 0,1 tie on column 0 (0.7); row 2 best at column 1 with only 0.1 (forced); row 1 best at
    // column 0 too, so column 0 is claimed by rows 0 and 1 → row 0.
    float[] sim = {
        0.7f, 0.0f, 0.2f,
        0.7f, 0.0f, 0.3f,
        0.0f, 0.1f, 0.0f};
    var m = new ArgMaxMatcher(ArgMaxMatcher.Settings.stock());
    assertThat(m.match(sim, 3, 3, null)).containsExactly(0, 2, -1);
    // A zero-weight row does not force: column 1 stays unmatched.
    assertThat(m.match(sim, 3, 3, new boolean[] {true, true, false})).containsExactly(0, -1, -1);
    // A row with no overlap at all forces column 0 (argmax of all zeros).
    float[] none = {0.9f, 0.0f, 0.0f, 0.0f};
    assertThat(m.match(none, 2, 2, null)).containsExactly(0, -1);
  }

  @Test
  void matcherRejectsBadThresholds() {
    assertThatThrownBy(() -> new ArgMaxMatcher.Settings(0.4f, 0.6f, false, true, false))
        .hasMessageContaining("unmatched_threshold");
    assertThatThrownBy(() -> new ArgMaxMatcher.Settings(0.5f, 0.5f, false, false, false))
        .hasMessageContaining("must differ");
  }

  @Test
  void nmsByHand() {
    float[] boxes = {
        0f, 0f, 1f, 1f,
        0f, 0.1f, 1f, 1.1f, // IoU with box 0 = 0.9/1.1 ≈ 0.818
        0f, 2f, 1f, 3f,
        0f, 0f, 1f, 1f}; // same as box 0, same score: the lower index wins
    float[] scores = {0.9f, 0.95f, 0.5f, 0.9f};
    assertThat(GreedyNms.select(boxes, scores, 10, 0.5f, 0f)).containsExactly(1, 2);
    assertThat(GreedyNms.select(boxes, scores, 10, 0.85f, 0f)).containsExactly(1, 0, 2);
    assertThat(GreedyNms.select(boxes, scores, 2, 0.85f, 0f)).containsExactly(1, 0);
    assertThat(GreedyNms.select(boxes, scores, 10, 0.85f, 0.9f)).containsExactly(1);
  }
}
