package dev.finetune.train.optim;

import static dev.finetune.train.optim.OptimizerBuilderTest.assertClose;
import static dev.finetune.train.optim.TinyGraph.optimizer;
import static dev.finetune.train.optim.TinyGraph.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ModelVariable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** The whole step on tiny graphs: quadratic losses with known gradients, and a frozen layer. */
class TrainOpBuilderTest {
  private static final float[] A0 = {1f, 2f, 3f, 4f};
  private static final float[] TARGET_A = {0f, 1f, -1f, 2f};
  private static final float[] B0 = {-1f, 0.5f};
  private static final float[] TARGET_B = {1f, 1f};

  /** Loss 0.5 * |a - ta|^2 + 0.5 * |b - tb|^2: the gradients are a - ta and b - tb. */
  private static Operand<TFloat32> quadratic(Ops tf, ModelVariable a, ModelVariable b) {
    return tf.math.add(half(tf, a, TARGET_A), half(tf, b, TARGET_B));
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> half(Ops tf, ModelVariable v, float[] target) {
    Operand<TFloat32> d = tf.math.sub((Operand<TFloat32>) v.value(),
        tf.reshape(tf.constant(target), tf.constant(v.shape())));
    Operand<TFloat32> sq = tf.math.square(d);
    return tf.math.mul(tf.constant(0.5f),
        tf.reduceSum(sq, tf.constant(v.shape().length == 2 ? new int[] {0, 1} : new int[] {0})));
  }

  private record Result(float[] a, float[] b, long globalStep, float counter,
      List<String> slotNames, List<String> shadowNames, float[] shadowA) {}

  private static Result train(String config, float clipNorm, int steps) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelVariable a = TinyGraph.variable(tf, "net", "a", A0, 2, 2);
      ModelVariable b = TinyGraph.variable(tf, "net", "b", B0, 2);
      TinyGraph.GlobalStep gs = new TinyGraph.GlobalStep(tf);
      // A stand-in for the batch-norm update ops: counts the steps.
      Variable<TFloat32> counter = tf.withName("counter").variable(Shape.scalar(), TFloat32.class);
      Op counterInit = tf.assign(counter, tf.constant(0f));
      Op countStep = tf.assignAdd(counter, tf.constant(1f));
      TrainOp op = TrainOpBuilder.build(tf, quadratic(tf, a, b), List.of(a, b), List.of(countStep),
          optimizer(config), clipNorm, gs.variable);
      assertThat(op.globalNorm().isPresent()).isEqualTo(clipNorm > 0);
      try (Session s = new Session(g)) {
        TinyGraph.initialize(s, List.of(a, b), gs.init, counterInit);
        TinyGraph.initialize(s, op.slots());
        TinyGraph.initialize(s, op.shadows()); // after the variables: they copy them
        for (int t = 0; t < steps; t++) {
          s.runner().addTarget(op.step()).run();
        }
        return new Result(values(s, a), values(s, b), gs.read(s), values(s, counter)[0],
            op.slots().stream().map(ModelVariable::name).toList(),
            op.shadows().stream().map(ModelVariable::name).toList(),
            op.shadows().isEmpty() ? new float[0] : values(s, op.shadows().get(0)));
      }
    }
  }

  @Test
  void oneStepAppliesMomentumCountsTheStepRunsUpdateOpsAndAveragesAfterTheUpdate() {
    Result r = train("momentum_optimizer { momentum_optimizer_value: 0.9 learning_rate {"
        + " constant_learning_rate { learning_rate: 0.1 } } } moving_average_decay: 0.5", 0f, 3);
    double[] a = OptimizerBuilderTest.toDouble(A0);
    double[] b = OptimizerBuilderTest.toDouble(B0);
    double[] accA = new double[4];
    double[] accB = new double[2];
    double[] shadowA = a.clone();
    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 4; i++) {
        accA[i] = 0.9f * accA[i] + (a[i] - TARGET_A[i]);
        a[i] -= 0.1f * accA[i];
        shadowA[i] -= (shadowA[i] - a[i]) * 0.5;
      }
      for (int i = 0; i < 2; i++) {
        accB[i] = 0.9f * accB[i] + (b[i] - TARGET_B[i]);
        b[i] -= 0.1f * accB[i];
      }
    }
    assertClose(r.a(), a, 1e-6);
    assertClose(r.b(), b, 1e-6);
    assertClose(r.shadowA(), shadowA, 1e-6);
    assertThat(r.globalStep()).isEqualTo(3);
    assertThat(r.counter()).isEqualTo(3f);
    assertThat(r.slotNames()).containsExactly("net/a/Momentum", "net/b/Momentum");
    // use_moving_average defaults to true, as in the API.
    assertThat(r.shadowNames())
        .containsExactly("net/a/ExponentialMovingAverage", "net/b/ExponentialMovingAverage");
  }

  @Test
  void clippingScalesTheGradientsByTheirGlobalNormBeforeTheUpdate() {
    float clip = 1.5f;
    Result r = train("momentum_optimizer { momentum_optimizer_value: 0.9 learning_rate {"
        + " constant_learning_rate { learning_rate: 0.1 } } } use_moving_average: false", clip, 2);
    double[] a = OptimizerBuilderTest.toDouble(A0);
    double[] b = OptimizerBuilderTest.toDouble(B0);
    double[] accA = new double[4];
    double[] accB = new double[2];
    for (int t = 0; t < 2; t++) {
      double[] ga = new double[4];
      double[] gb = new double[2];
      double sq = 0;
      for (int i = 0; i < 4; i++) {
        ga[i] = a[i] - TARGET_A[i];
        sq += ga[i] * ga[i];
      }
      for (int i = 0; i < 2; i++) {
        gb[i] = b[i] - TARGET_B[i];
        sq += gb[i] * gb[i];
      }
      double scale = Math.min(1, clip / Math.sqrt(sq));
      assertThat(scale).isLessThan(1); // the clip does bite here
      for (int i = 0; i < 4; i++) {
        accA[i] = 0.9f * accA[i] + ga[i] * scale;
        a[i] -= 0.1f * accA[i];
      }
      for (int i = 0; i < 2; i++) {
        accB[i] = 0.9f * accB[i] + gb[i] * scale;
        b[i] -= 0.1f * accB[i];
      }
    }
    assertClose(r.a(), a, 1e-6);
    assertClose(r.b(), b, 1e-6);
    assertThat(r.shadowNames()).isEmpty();
  }

  /**
   * x -> relu(x W1) -> (. W2) -> loss. Training only W2 must build no backward pass through the
   * first layer: no ReluGrad and only the second layer's two MatMuls (TF's gradients w.r.t. both
   * inputs of a MatMul); training both adds the first layer's ReluGrad and MatMuls.
   */
  @Test
  void frozenLayersGetNoBackwardPass() {
    assertThat(gradientOpTypes(false)).doesNotContain("ReluGrad")
        .filteredOn("MatMul"::equals).hasSize(2);
    assertThat(gradientOpTypes(true)).contains("ReluGrad")
        .filteredOn("MatMul"::equals).hasSize(4);
  }

  /** The types of the ops the train op added for the gradients (before the optimizer's). */
  @SuppressWarnings("unchecked")
  private static List<String> gradientOpTypes(boolean trainFirstLayer) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelVariable w1 = TinyGraph.variable(tf, "layer1", "weights", new float[] {1, -1, 2, 0.5f}, 2, 2);
      ModelVariable w2 = TinyGraph.variable(tf, "layer2", "weights", new float[] {0.5f, -2f}, 2, 1);
      Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f}, {3f, -1f}});
      Operand<TFloat32> h = tf.nn.relu(tf.linalg.matMul(x, (Operand<TFloat32>) w1.value()));
      Operand<TFloat32> y = tf.linalg.matMul(h, (Operand<TFloat32>) w2.value());
      Operand<TFloat32> loss = tf.reduceSum(tf.math.square(y), tf.constant(new int[] {0, 1}));
      TinyGraph.GlobalStep gs = new TinyGraph.GlobalStep(tf);
      Set<String> before = new HashSet<>();
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        before.add(it.next().name());
      }
      List<ModelVariable> trained = trainFirstLayer ? List.of(w1, w2) : List.of(w2);
      TrainOpBuilder.build(tf, loss, trained, List.of(), optimizer("momentum_optimizer {"
          + " learning_rate { constant_learning_rate { } } } use_moving_average: false"), 0f,
          gs.variable);
      List<String> added = new ArrayList<>();
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        if (!before.contains(op.name())) {
          added.add(op.type());
        }
      }
      return added;
    }
  }

  @Test
  void aVariableTheLossDoesNotUseGetsNoUpdateSlotOrAverage() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelVariable a = TinyGraph.variable(tf, "net", "a", A0, 2, 2);
      ModelVariable b = TinyGraph.variable(tf, "net", "b", B0, 2);
      ModelVariable unused = TinyGraph.variable(tf, "net", "unused", B0, 2);
      TinyGraph.GlobalStep gs = new TinyGraph.GlobalStep(tf);
      TrainOp op = TrainOpBuilder.build(tf, quadratic(tf, a, b), List.of(a, unused, b), List.of(),
          optimizer("momentum_optimizer { learning_rate { constant_learning_rate { } } }"), 0f,
          gs.variable);
      assertThat(op.notInLoss()).containsExactly("net/unused");
      assertThat(op.trained()).containsExactly(a, b);
      assertThat(op.slots().stream().map(ModelVariable::name))
          .containsExactly("net/a/Momentum", "net/b/Momentum");
      assertThat(op.shadowNames()).doesNotContainKey("net/unused");
      assertThatThrownBy(() -> TrainOpBuilder.build(tf, quadratic(tf, a, b), List.of(unused),
              List.of(), optimizer("momentum_optimizer { learning_rate { constant_learning_rate { } } }"),
              0f, gs.variable))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("freeze_variables");
    }
  }
}
