package dev.finetune.train.optim;

import static dev.finetune.train.optim.TinyGraph.optimizer;
import static dev.finetune.train.optim.TinyGraph.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ModelVariable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Each optimizer on a 2x2 variable with fed gradients, against updates computed by hand (in double,
 * from the TF1 kernels' formulas) over three steps.
 */
class OptimizerBuilderTest {
  private static final float[] W0 = {1f, 2f, 3f, 4f};
  private static final float[][] GRADS = {
    {1f, -2f, 0.5f, 4f}, {0.5f, 1f, -1f, 2f}, {-1f, 0f, 2f, 1f},
  };

  /** What one run of three steps produced. */
  record Run(List<String> slotNames, float[] weights, List<Float> rates, long globalStep,
      List<float[]> slotValues) {}

  private static Run run(String optimizerConfig) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelVariable w = TinyGraph.variable(tf, "layer", "w", W0, 2, 2);
      TinyGraph.GlobalStep gs = new TinyGraph.GlobalStep(tf);
      Placeholder<TFloat32> grad =
          tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(2, 2)));
      OptimizerOps ops = OptimizerBuilder.build(
          tf, optimizer(optimizerConfig), List.of(w), List.of(grad), gs.variable);
      for (ModelVariable slot : ops.slots()) {
        assertThat(g.operation(slot.name()).type()).isEqualTo("VariableV2");
      }
      try (Session s = new Session(g)) {
        TinyGraph.initialize(s, List.of(w), gs.init);
        TinyGraph.initialize(s, ops.slots());
        List<Float> rates = new ArrayList<>();
        for (float[] gr : GRADS) {
          try (TFloat32 in = TinyGraph.tensor(gr, 2, 2);
              Result r = s.runner().feed(grad, in).addTarget(ops.apply())
                  .fetch(ops.learningRate()).run()) {
            rates.add(((TFloat32) r.get(0)).getFloat());
          }
        }
        List<float[]> slotValues = new ArrayList<>();
        for (ModelVariable slot : ops.slots()) {
          slotValues.add(values(s, slot));
        }
        return new Run(ops.slots().stream().map(ModelVariable::name).toList(), values(s, w), rates,
            gs.read(s), slotValues);
      }
    }
  }

  @Test
  void momentumAccumulatesGradientsAndReadsTheRateBeforeTheStepCounts() {
    Run run = run("momentum_optimizer { momentum_optimizer_value: 0.9 learning_rate {"
        + " manual_step_learning_rate { initial_learning_rate: 0.1"
        + " schedule { step: 1 learning_rate: 0.05 } } } }");
    assertThat(run.slotNames()).containsExactly("layer/w/Momentum");
    assertThat(run.globalStep()).isEqualTo(3);
    // Step 0 runs with the rate of step 0, not of step 1 (global_step is incremented after).
    assertThat(run.rates()).containsExactly(0.1f, 0.05f, 0.05f);
    double[] lr = {0.1f, 0.05f, 0.05f};
    double[] w = toDouble(W0);
    double[] accum = new double[4];
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 4; i++) {
        accum[i] = 0.9f * accum[i] + GRADS[t][i];
        w[i] -= lr[t] * accum[i];
      }
    }
    assertClose(run.weights(), w, 1e-6);
    assertClose(run.slotValues().get(0), accum, 1e-6);
  }

  @Test
  void rmsPropStartsTheMeanSquareAtOnesAndDividesBySqrtOfMsPlusEpsilon() {
    Run run = run("rms_prop_optimizer { momentum_optimizer_value: 0.5 decay: 0.8 epsilon: 0.01"
        + " learning_rate { constant_learning_rate { learning_rate: 0.1 } } }");
    assertThat(run.slotNames()).containsExactly("layer/w/RMSProp", "layer/w/RMSProp_1");
    double rho = 0.8f;
    double momentum = 0.5f;
    double eps = 0.01f;
    double lr = 0.1f;
    double[] w = toDouble(W0);
    double[] ms = {1, 1, 1, 1};
    double[] mom = new double[4];
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 4; i++) {
        double g = GRADS[t][i];
        ms[i] = rho * ms[i] + (1 - rho) * g * g;
        mom[i] = momentum * mom[i] + lr * g / Math.sqrt(ms[i] + eps);
        w[i] -= mom[i];
      }
    }
    assertClose(run.weights(), w, 1e-6);
    assertClose(run.slotValues().get(0), ms, 1e-6);
    assertClose(run.slotValues().get(1), mom, 1e-6);
  }

  @Test
  void rmsPropDefaultsAreTheApis() {
    Run run = run("rms_prop_optimizer { learning_rate { constant_learning_rate {"
        + " learning_rate: 0.1 } } }");
    // momentum 0.9, decay 0.9, epsilon 1.0: after one step ms = 0.9 + 0.1 g^2.
    double[] w = toDouble(W0);
    double[] ms = {1, 1, 1, 1};
    double[] mom = new double[4];
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 4; i++) {
        double g = GRADS[t][i];
        ms[i] = 0.9f * ms[i] + (1 - 0.9f) * g * g;
        mom[i] = 0.9f * mom[i] + 0.1f * g / Math.sqrt(ms[i] + 1.0);
        w[i] -= mom[i];
      }
    }
    assertClose(run.weights(), w, 1e-6);
  }

  @Test
  void adamCorrectsTheBiasWithTheBetaPowersAndAdvancesThemOncePerStep() {
    Run run = run("adam_optimizer { learning_rate { constant_learning_rate {"
        + " learning_rate: 0.1 } } }");
    assertThat(run.slotNames())
        .containsExactly("layer/w/Adam", "layer/w/Adam_1", "beta1_power", "beta2_power");
    double b1 = 0.9f;
    double b2 = 0.999f;
    double eps = 1e-8f;
    double lr = 0.1f;
    double[] w = toDouble(W0);
    double[] m = new double[4];
    double[] v = new double[4];
    for (int t = 1; t <= 3; t++) {
      double lrT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
      for (int i = 0; i < 4; i++) {
        double g = GRADS[t - 1][i];
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        w[i] -= lrT * m[i] / (Math.sqrt(v[i]) + eps);
      }
    }
    assertClose(run.weights(), w, 2e-6);
    assertClose(run.slotValues().get(0), m, 1e-6);
    assertClose(run.slotValues().get(1), v, 1e-6);
    assertThat(run.slotValues().get(2)[0]).isCloseTo((float) Math.pow(b1, 4), within(1e-7f));
    assertThat(run.slotValues().get(3)[0]).isCloseTo((float) Math.pow(b2, 4), within(1e-7f));
  }

  @Test
  void missingOptimizerOrRateIsAConfigErrorNamingTheField() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelVariable w = TinyGraph.variable(tf, "layer", "w", W0, 2, 2);
      TinyGraph.GlobalStep gs = new TinyGraph.GlobalStep(tf);
      List<org.tensorflow.Operand<TFloat32>> grads = List.of(tf.constant(new float[][] {{1, 1}, {1, 1}}));
      assertThatThrownBy(() -> OptimizerBuilder.build(
              tf, optimizer("use_moving_average: false"), List.of(w), grads, gs.variable))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("train_config.optimizer")
          .hasMessageContaining("momentum_optimizer");
      assertThatThrownBy(() -> OptimizerBuilder.build(
              tf, optimizer("adam_optimizer { }"), List.of(w), grads, gs.variable))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("train_config.optimizer.adam_optimizer.learning_rate");
    }
  }

  @Test
  void aSecondOptimizerOnTheSameVariablesFailsInsteadOfRenamingItsSlots() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelVariable w = TinyGraph.variable(tf, "layer", "w", W0, 2, 2);
      TinyGraph.GlobalStep gs = new TinyGraph.GlobalStep(tf);
      List<org.tensorflow.Operand<TFloat32>> grads = List.of(tf.constant(new float[][] {{1, 1}, {1, 1}}));
      String config = "momentum_optimizer { learning_rate { constant_learning_rate { } } }";
      OptimizerBuilder.build(tf, optimizer(config), List.of(w), grads, gs.variable);
      assertThatThrownBy(() ->
              OptimizerBuilder.build(tf, optimizer(config), List.of(w), grads, gs.variable))
          .hasMessageContaining("layer/w/Momentum");
    }
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static void assertClose(float[] actual, double[] expected, double tolerance) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
    }
  }

}
