package dev.finetune.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Per-anchor losses on a [1, 2, ...] batch against values computed by hand. */
class LossesTest {

  static float[] run(Function<Ops, Operand<TFloat32>> build) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      try (TFloat32 t = (TFloat32) s.runner().fetch(build.apply(tf)).run().get(0)) {
        float[] out = new float[(int) t.shape().size()];
        t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
        return out;
      }
    }
  }

  static double sigmoidCe(double x, double z) {
    return Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));
  }

  @Test
  void localizationLosses() {
    float[][][] pred = {{{0.5f, -2f, 0f, 0f}, {1f, 1f, 1f, 1f}}};
    float[][][] target = {{{0f, 0f, 0f, 0f}, {1f, 1f, 1f, Float.NaN}}};
    float[][] w = {{2f, 1f}};
    float[] smooth = run(tf -> new LocalizationLoss.WeightedSmoothL1(1f).perAnchor(tf,
        tf.constant(pred), tf.constant(target), tf.constant(w)));
    // 2·(0.5·0.25 + (2 − 0.5)) = 3.25; second anchor: NaN target replaced by prediction → 0.
    assertThat(smooth).containsExactly(new float[] {3.25f, 0f}, within(1e-6f));
    float[] l2 = run(tf -> new LocalizationLoss.WeightedL2().perAnchor(tf, tf.constant(pred),
        tf.constant(target), tf.constant(w)));
    // 0.5·((2·0.5)² + (2·−2)²) = 0.5·(1 + 16) = 8.5 (the weight inside the square).
    assertThat(l2).containsExactly(new float[] {8.5f, 0f}, within(1e-6f));
  }

  @Test
  void classificationLosses() {
    float[][][] logits = {{{2f, -1f, 0.5f}, {0f, 3f, -2f}}};
    float[][][] targets = {{{1f, 0f, 0f}, {0f, 1f, 0f}}};
    float[][] w = {{1f, 0.5f}};
    float[] sig = run(tf -> new ClassificationLoss.WeightedSigmoid().perAnchor(tf, tf.constant(logits),
        tf.constant(targets), tf.constant(w)));
    double s0 = sigmoidCe(2, 1) + sigmoidCe(-1, 0) + sigmoidCe(0.5, 0);
    double s1 = 0.5 * (sigmoidCe(0, 0) + sigmoidCe(3, 1) + sigmoidCe(-2, 0));
    assertThat(sig).containsExactly(new float[] {(float) s0, (float) s1}, within(1e-5f));

    float[] soft = run(tf -> new ClassificationLoss.WeightedSoftmax(2f).perAnchor(tf,
        tf.constant(logits), tf.constant(targets), tf.constant(w)));
    double z0 = Math.exp(1) + Math.exp(-0.5) + Math.exp(0.25);
    double z1 = Math.exp(0) + Math.exp(1.5) + Math.exp(-1);
    assertThat(soft).containsExactly(new float[] {(float) -Math.log(Math.exp(1) / z0),
        (float) (0.5 * -Math.log(Math.exp(1.5) / z1))}, within(1e-5f));

    float[] focal = run(tf -> new ClassificationLoss.WeightedSigmoidFocal(2f, 0.25f).perAnchor(tf,
        tf.constant(logits), tf.constant(targets), tf.constant(w)));
    double f0 = 0;
    for (int c = 0; c < 3; c++) {
      double x = logits[0][0][c];
      double z = targets[0][0][c];
      double p = 1 / (1 + Math.exp(-x));
      double pt = z * p + (1 - z) * (1 - p);
      double at = z * 0.25 + (1 - z) * 0.75;
      f0 += Math.pow(1 - pt, 2) * at * sigmoidCe(x, z);
    }
    assertThat(focal[0]).isCloseTo((float) f0, within(1e-5f));
  }

  @Test
  void assemblyWithoutMiningNormalizesByMatchesAndCodeSize() {
    Anchors anchors = new Anchors(new float[] {0, 0, 1, 1, 0, 0, 0.5f, 0.5f}, new int[] {2},
        new int[] {2});
    SsdLoss loss = new SsdLoss(new SsdLoss.Settings(new LocalizationLoss.WeightedL2(),
        new ClassificationLoss.WeightedSigmoid(), null, 3f, 2f, true, true), anchors,
        FasterRcnnBoxCoder.standard());
    // Batch 1, 2 anchors, 2 columns; regression weights sum 2 → N = 2; loc normalizer 8.
    SsdTargets t = new SsdTargets(1, 2, 2, new float[] {0, 1, 1, 0}, new float[] {1, 1},
        new float[] {1, 0, 0, 0, 0, 0, 0, 0}, new float[] {1, 1}, new int[] {0, -1}, new int[] {1});
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      SsdTargetInputs in = SsdTargetInputs.create(tf, 1, 2, 2);
      SsdLoss.Outputs out = loss.build(tf, tf.constant(new float[1][2][4]),
          tf.constant(new float[1][2][2]), in);
      try (var feed = in.tensorsFor(t);
          var r = feed.feedInto(s.runner()).fetch(out.localization()).fetch(out.classification()).run()) {
        // loc: 0.5·1² = 0.5 → 2·0.5/8; cls: 4 entries of CE(0, z) = ln 2 → 3·4·ln2/2.
        assertThat(((TFloat32) r.get(0)).getFloat()).isCloseTo(2f * 0.5f / 8f, within(1e-6f));
        assertThat(((TFloat32) r.get(1)).getFloat()).isCloseTo((float) (3 * 4 * Math.log(2) / 2),
            within(1e-5f));
      }
    }
  }
}
