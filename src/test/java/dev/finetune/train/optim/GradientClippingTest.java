package dev.finetune.train.optim;

import static dev.finetune.train.optim.TinyGraph.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** tf.clip_by_global_norm on gradients whose global norm is 13 (3, 4 and 12). */
class GradientClippingTest {

  private static float[][] clip(float[] a, float[] b, float clipNorm, float[] norm) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      List<Operand<TFloat32>> grads = List.of(tf.constant(a), tf.constant(b));
      GradientClipping.Clipped c = GradientClipping.byGlobalNorm(tf, grads, clipNorm);
      try (Session s = new Session(g)) {
        norm[0] = values(s, c.globalNorm())[0];
        return new float[][] {values(s, c.gradients().get(0)), values(s, c.gradients().get(1))};
      }
    }
  }

  @Test
  void scalesAllGradientsTogetherWhenTheGlobalNormExceedsTheClip() {
    float[] norm = new float[1];
    float[][] out = clip(new float[] {3, 4}, new float[] {12}, 6.5f, norm);
    assertThat(norm[0]).isCloseTo(13f, within(1e-5f));
    // scale 6.5 / 13 = 0.5 for every gradient, not per gradient.
    assertThat(out[0]).containsExactly(new float[] {1.5f, 2f}, within(1e-6f));
    assertThat(out[1]).containsExactly(new float[] {6f}, within(1e-6f));
  }

  @Test
  void leavesGradientsUnderTheClipAlone() {
    float[] norm = new float[1];
    float[][] out = clip(new float[] {3, 4}, new float[] {12}, 20f, norm);
    assertThat(out[0]).containsExactly(new float[] {3f, 4f}, within(1e-6f));
    assertThat(out[1]).containsExactly(new float[] {12f}, within(1e-6f));
    float[][] zeros = clip(new float[] {0, 0}, new float[] {0}, 1f, norm);
    assertThat(zeros[0]).containsExactly(0f, 0f);
  }

  @Test
  void aNonFiniteNormMakesEveryGradientNan() {
    float[] norm = new float[1];
    float[][] out = clip(new float[] {Float.NaN, 1}, new float[] {2}, 1f, norm);
    assertThat(out[1][0]).isNaN();
    out = clip(new float[] {Float.POSITIVE_INFINITY, 1}, new float[] {2}, 1f, norm);
    assertThat(out[0][1]).isNaN();
  }
}
