package dev.finetune.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.model.ConvHyperparams.BatchNormParams;
import dev.finetune.model.ConvHyperparams.TruncatedNormal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Batch norm as slim computes it, on a 1×1 conv with known weights. */
class SlimLayersTest {

  @Test
  void trainingBatchNormUsesBatchStatisticsAndUpdatesWithTheBiasedVariance() {
    ConvHyperparams hp =
        new ConvHyperparams(
            Activation.NONE, Optional.empty(), new TruncatedNormal(0, 1),
            Optional.of(new BatchNormParams(0.9f, true, true, 0.001f, true)));
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelScopes scopes = new ModelScopes(tf);
      VariableStore store = new VariableStore(scopes, 1);
      SlimLayers layers = new SlimLayers(store, scopes, 1);
      Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(1, 2, 2, 1)));
      Operand<TFloat32> y = layers.conv2d(x, "L", 1, 1, 1, false, hp, true);
      assertThat(store.variables().stream().map(ModelVariable::name))
          .containsExactly(
              "L/weights", "L/BatchNorm/beta", "L/BatchNorm/gamma", "L/BatchNorm/moving_mean",
              "L/BatchNorm/moving_variance");
      assertThat(layers.updateOps()).hasSize(2);
      try (Session s = new Session(g);
          TFloat32 in = TfTestUtil.tensor(new long[] {1, 2, 2, 1}, new float[] {1, 2, 3, 6})) {
        TfTestUtil.initialize(s, store.variables());
        s.runner().addTarget(tf.assign(store.ref("L/weights"), tf.constant(new float[][][][] {{{{2f}}}}))).run();
        Session.Runner r = s.runner().feed(x, in).fetch(y);
        layers.updateOps().forEach(r::addTarget);
        float[] out;
        try (Result res = r.run()) {
          out = TfTestUtil.floats(res.get(0));
        }
        // conv: 2, 4, 6, 12; mean 6; biased variance (16+4+0+36)/4 = 14.
        double sd = Math.sqrt(14 + 0.001);
        assertThat(out[0]).isCloseTo((float) ((2 - 6) / sd), within(1e-5f));
        assertThat(out[3]).isCloseTo((float) ((12 - 6) / sd), within(1e-5f));
        try (Result res =
            s.runner().fetch(store.ref("L/BatchNorm/moving_mean"))
                .fetch(store.ref("L/BatchNorm/moving_variance")).run()) {
          // mm = 0 − 0.1·(0 − 6) = 0.6; mv = 1 − 0.1·(1 − 14) = 2.3 (biased, as slim's non-fused).
          assertThat(TfTestUtil.floats(res.get(0))[0]).isCloseTo(0.6f, within(1e-5f));
          assertThat(TfTestUtil.floats(res.get(1))[0]).isCloseTo(2.3f, within(1e-5f));
        }
      }
    }
  }
}
