package dev.finetune.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.model.backbone.MobileNetV1;
import dev.finetune.model.ConvHyperparams.VarianceScaling;
import org.junit.jupiter.api.Test;

/** The small integer math of the layers, against values worked out by hand. */
class PaddingTest {

  @Test
  void samePaddingPutsTheOddZeroAfter() {
    // 300 → 150 with a 3×3 stride-2 kernel: (150−1)·2 + 3 − 300 = 1 zero, after.
    assertThat(Padding.sameOutputSize(300, 2)).isEqualTo(150);
    assertThat(Padding.samePads(300, 3, 2)).containsExactly(0, 1);
    // 75 → 38: (37·2 + 3 − 75) = 2 → one each side; 19 → 10 likewise; 10 → 5 pads (0, 1).
    assertThat(Padding.samePads(75, 3, 2)).containsExactly(1, 1);
    assertThat(Padding.samePads(19, 3, 2)).containsExactly(1, 1);
    assertThat(Padding.samePads(10, 3, 2)).containsExactly(0, 1);
    // The SSD extras: 5 → 3 (1, 1), 3 → 2 (1, 1), 2 → 1 (0, 1).
    assertThat(Padding.samePads(5, 3, 2)).containsExactly(1, 1);
    assertThat(Padding.samePads(3, 3, 2)).containsExactly(1, 1);
    assertThat(Padding.samePads(2, 3, 2)).containsExactly(0, 1);
    // Stride 1, 3×3: one zero each side; 1×1: none.
    assertThat(Padding.samePads(19, 3, 1)).containsExactly(1, 1);
    assertThat(Padding.samePads(19, 1, 1)).containsExactly(0, 0);
  }

  @Test
  void explicitPaddingIsKernelMinusOneWhateverTheStride() {
    assertThat(Padding.fixedPads(3, 1)).containsExactly(1, 1);
    assertThat(Padding.fixedPads(1, 1)).containsExactly(0, 0);
    assertThat(Padding.fixedPads(4, 1)).containsExactly(1, 2);
    // Rate 2 makes a 3×3 kernel span 5.
    assertThat(Padding.fixedPads(3, 2)).containsExactly(2, 2);
    assertThat(Padding.validOutputSize(302, 3, 2)).isEqualTo(150);
  }

  @Test
  void padToMultipleRoundsUp() {
    assertThat(Padding.padToMultiple(300, 1)).isZero();
    assertThat(Padding.padToMultiple(300, 32)).isEqualTo(20);
    assertThat(Padding.padToMultiple(320, 32)).isZero();
  }

  @Test
  void depthTruncatesThenAppliesTheMinimum() {
    assertThat(MobileNetV1.depth(32, 1.0f, 16)).isEqualTo(32);
    assertThat(MobileNetV1.depth(32, 0.25f, 16)).isEqualTo(16);
    assertThat(MobileNetV1.depth(1024, 0.25f, 16)).isEqualTo(256);
    // 64 · 0.35f = 22.399999618… → 22 (int() truncates; float32 0.35 is a bit below 0.35).
    assertThat(MobileNetV1.depth(64, 0.35f, 8)).isEqualTo(22);
    // 128 · 0.75 = 96; the extras' 512/2 = 256.0 nominal.
    assertThat(MobileNetV1.depth(128, 0.75f, 16)).isEqualTo(96);
    assertThat(MobileNetV1.depth(512 / 2.0, 0.5f, 16)).isEqualTo(128);
  }

  @Test
  void varianceScalingFansFollowSlim() {
    // [3,3,32,64]: fan_in 3·3·32 = 288, fan_out 3·3·64 = 576.
    long[] conv = {3, 3, 32, 64};
    assertThat(VariableStore.fanFor(conv, VarianceScaling.Mode.FAN_IN)).isEqualTo(288.0);
    assertThat(VariableStore.fanFor(conv, VarianceScaling.Mode.FAN_OUT)).isEqualTo(576.0);
    assertThat(VariableStore.fanFor(conv, VarianceScaling.Mode.FAN_AVG)).isEqualTo(432.0);
    // Depthwise [3,3,C,1]: fan_in 9·C, fan_out 9.
    assertThat(VariableStore.fanFor(new long[] {3, 3, 16, 1}, VarianceScaling.Mode.FAN_OUT))
        .isEqualTo(9.0);
  }
}
