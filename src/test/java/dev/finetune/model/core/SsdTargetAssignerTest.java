package dev.finetune.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.data.DetectionBatch;
import org.junit.jupiter.api.Test;

class SsdTargetAssignerTest {
  // Four anchors: two overlap box A heavily, one overlaps box B by 0.25 (below 0.5), one far away.
  static final Anchors ANCHORS = new Anchors(new float[] {
      0.0f, 0.0f, 0.5f, 0.5f, // anchor 0 == box A
      0.0f, 0.05f, 0.5f, 0.55f, // anchor 1: IoU with A = 0.45·0.5/(0.25+0.25−0.225) ≈ 0.818
      0.5f, 0.5f, 1.0f, 1.0f, // anchor 2: IoU with B = 0.25
      0.9f, 0.0f, 1.0f, 0.1f}, // anchor 3: no overlap
      new int[] {4}, new int[] {1});

  static DetectionBatch batch(float weightB) {
    // Image 0: box A (class 2) and box B (class 3, weight weightB); image 1: no boxes.
    float[] boxes = {0f, 0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.75f, 1.25f, 0, 0, 0, 0, 0, 0, 0, 0};
    return new DetectionBatch(2, 1, 1, 2, new float[6], boxes, new int[] {2, 3, 0, 0},
        new float[] {1f, weightB, 0, 0}, new int[] {2, 0}, new String[] {"a", "b"});
  }

  @Test
  void assignsByHand() {
    SsdTargetAssigner assigner = new SsdTargetAssigner(ANCHORS,
        new ArgMaxMatcher(ArgMaxMatcher.Settings.stock()), FasterRcnnBoxCoder.standard(), 3, false, 0.7f);
    SsdTargets t = assigner.assign(batch(0.5f));
    int c = 4;
    // Image 0: anchors 0, 1 match A by threshold; B (best anchor 2, IoU 0.25) is forced onto anchor 2.
    assertThat(java.util.Arrays.copyOfRange(t.match(), 0, 4)).containsExactly(0, 0, 1, -1);
    assertThat(t.numMatched()).containsExactly(3, 0);
    assertThat(t.clsTargets()[0 * c + 2]).isEqualTo(1f); // anchor 0 → class 2 (label id = column)
    assertThat(t.clsTargets()[2 * c + 3]).isEqualTo(1f); // anchor 2 → class 3
    assertThat(t.clsTargets()[3 * c]).isEqualTo(1f); // anchor 3 → background
    assertThat(java.util.Arrays.copyOfRange(t.clsWeights(), 0, 4)).containsExactly(1f, 1f, 0.5f, 0.7f);
    assertThat(java.util.Arrays.copyOfRange(t.regWeights(), 0, 4)).containsExactly(1f, 1f, 0.5f, 0f);
    // Anchor 0 equals box A: codes 0 (up to the epsilon); anchor 3 is unmatched: codes exactly 0.
    for (int q = 0; q < 4; q++) {
      assertThat(t.regTargets()[q]).isCloseTo(0f, within(1e-5f));
      assertThat(t.regTargets()[12 + q]).isZero();
    }
    // Anchor 1 vs A: centre x 0.25 vs 0.3, width 0.5 → tx = 10·(−0.05/0.5) = −1.
    assertThat(t.regTargets()[4 + 1]).isCloseTo(-1f, within(1e-5f));
    // Image 1 has no boxes: all negatives with background targets.
    for (int a = 0; a < 4; a++) {
      assertThat(t.match()[4 + a]).isEqualTo(-1);
      assertThat(t.clsTargets()[(4 + a) * c]).isEqualTo(1f);
      assertThat(t.clsWeights()[4 + a]).isEqualTo(0.7f);
    }
  }

  @Test
  void zeroWeightBoxDoesNotForceAMatch() {
    SsdTargetAssigner assigner = new SsdTargetAssigner(ANCHORS,
        new ArgMaxMatcher(ArgMaxMatcher.Settings.stock()), FasterRcnnBoxCoder.standard(), 3, true, 1f);
    SsdTargets t = assigner.assign(batch(0f));
    assertThat(t.match()[2]).isEqualTo(-1);
    // encode_background_as_zeros: unmatched rows are all zero.
    for (int col = 0; col < 4; col++) {
      assertThat(t.clsTargets()[3 * 4 + col]).isZero();
    }
  }

  @Test
  void ignoredAnchorsGetZeroClassWeight() {
    SsdTargetAssigner assigner = new SsdTargetAssigner(ANCHORS,
        new ArgMaxMatcher(new ArgMaxMatcher.Settings(0.5f, 0.2f, false, true, false)),
        FasterRcnnBoxCoder.standard(), 3, false, 1f);
    SsdTargets t = assigner.assign(batch(1f));
    assertThat(t.match()[2]).isEqualTo(ArgMaxMatcher.IGNORED); // IoU 0.25 in [0.2, 0.5)
    assertThat(t.clsWeights()[2]).isZero();
    assertThat(t.clsTargets()[2 * 4]).isEqualTo(1f); // the unmatched label, as the API
  }

  @Test
  void classOutsideTheModelsClassesIsADataError() {
    SsdTargetAssigner assigner = new SsdTargetAssigner(ANCHORS,
        new ArgMaxMatcher(ArgMaxMatcher.Settings.stock()), FasterRcnnBoxCoder.standard(), 2, false, 1f);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> assigner.assign(batch(1f)))
        .isInstanceOf(dev.finetune.data.DataException.class)
        .hasMessageContaining("image a")
        .hasMessageContaining("class 3 of box 1 is outside 1..2");
  }
}
