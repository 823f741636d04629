package dev.finetune.train.optim;

import static dev.finetune.train.optim.TinyGraph.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.model.ModelVariable;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** TF1's ExponentialMovingAverage (no num_updates, no zero-debias) against hand computation. */
class MovingAveragesTest {

  @Test
  @SuppressWarnings("unchecked")
  void shadowsStartAtTheRestoredValueAndFollowTheVariableAfterEachStep() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelVariable w = TinyGraph.variable(tf, "layer", "w", new float[] {1f, 2f}, 2);
      Variable<TFloat32> ref = (Variable<TFloat32>) w.variable();
      // Stand-ins for a checkpoint restore and for the optimizer step (w += 10).
      Op restore = tf.assign(ref, tf.constant(new float[] {5f, 6f}));
      Op step = tf.assignAdd(ref, tf.constant(new float[] {10f, 10f}));
      MovingAverages ema = MovingAverages.build(tf, List.of(w), 0.9f, step);
      assertThat(ema.shadowNames()).containsEntry("layer/w", "layer/w/ExponentialMovingAverage");
      ModelVariable shadow = ema.shadows().get(0);
      assertThat(shadow.name()).isEqualTo("layer/w/ExponentialMovingAverage");
      assertThat(g.operation(shadow.name()).type()).isEqualTo("VariableV2");
      try (Session s = new Session(g)) {
        TinyGraph.initialize(s, List.of(w));
        s.runner().addTarget(restore).run();
        TinyGraph.initialize(s, ema.shadows());
        assertThat(values(s, shadow)).containsExactly(5f, 6f);
        // The update alone pulls in the step it depends on, and reads w after it.
        double[] expected = {5, 6};
        double[] wNow = {5, 6};
        float oneMinus = 1f - 0.9f;
        for (int t = 0; t < 2; t++) {
          s.runner().addTarget(ema.update()).run();
          for (int i = 0; i < 2; i++) {
            wNow[i] += 10;
            expected[i] -= (expected[i] - wNow[i]) * oneMinus;
          }
        }
        // 5 -> 5 - (5 - 15) * 0.1 = 6 -> 6 - (6 - 25) * 0.1 = 7.9
        assertThat(expected[0]).isCloseTo(7.9, within(1e-6));
        float[] got = values(s, shadow);
        assertThat((double) got[0]).isCloseTo(expected[0], within(1e-5));
        assertThat((double) got[1]).isCloseTo(expected[1], within(1e-5));
        assertThat(values(s, w)).containsExactly(25f, 26f);
      }
    }
  }

  @Test
  void restoreKeyPrefersTheShadowWhenTheCheckpointHasOne() {
    Set<String> keys = Set.of("a/w", "a/w/ExponentialMovingAverage", "frozen/w");
    assertThat(MovingAverages.restoreKey("a/w", keys)).isEqualTo("a/w/ExponentialMovingAverage");
    assertThat(MovingAverages.restoreKey("frozen/w", keys)).isEqualTo("frozen/w");
  }
}
