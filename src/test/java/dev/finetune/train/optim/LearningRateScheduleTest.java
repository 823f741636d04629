package dev.finetune.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.proto.LearningRate;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The pure-Java schedules against numbers worked out by hand from the API's formulas, and the graph
 * schedules against the pure-Java ones at every boundary.
 */
class LearningRateScheduleTest {
  private static final String PATH = "train_config.optimizer.momentum_optimizer.learning_rate";

  static LearningRateSchedule schedule(String text) {
    try {
      LearningRate.Builder b = LearningRate.newBuilder();
      TextFormat.merge(text, b);
      return LearningRateSchedule.from(b.build(), PATH);
    } catch (TextFormat.ParseException e) {
      throw new AssertionError(e);
    }
  }

  // ---- pure Java against hand-computed values ----

  @Test
  void constantIsTheSameAtEveryStep() {
    LearningRateSchedule s = schedule("constant_learning_rate { learning_rate: 0.004 }");
    assertThat(s.valueAt(0)).isEqualTo((double) 0.004f);
    assertThat(s.valueAt(123_456_789L)).isEqualTo((double) 0.004f);
    assertThat(schedule("constant_learning_rate { }").valueAt(7)).isEqualTo((double) 0.002f);
  }

  @Test
  void exponentialDecayHoldsTheBurninRateThenDecaysFromTheBurninEndInStairs() {
    LearningRateSchedule s = schedule("exponential_decay_learning_rate { initial_learning_rate: 0.1"
        + " decay_steps: 10 decay_factor: 0.5 burnin_learning_rate: 0.01 burnin_steps: 5"
        + " min_learning_rate: 0.01 }");
    assertThat(s.valueAt(0)).isCloseTo(0.01, within(1e-9));
    assertThat(s.valueAt(4)).isCloseTo(0.01, within(1e-9));
    // The decay counts from the end of the burn-in: step 5 is exponent 0.
    assertThat(s.valueAt(5)).isCloseTo(0.1, within(1e-8));
    assertThat(s.valueAt(14)).isCloseTo(0.1, within(1e-8));
    assertThat(s.valueAt(15)).isCloseTo(0.05, within(1e-8));
    assertThat(s.valueAt(25)).isCloseTo(0.025, within(1e-8));
    assertThat(s.valueAt(35)).isCloseTo(0.0125, within(1e-8));
    // 0.00625 is below min_learning_rate.
    assertThat(s.valueAt(45)).isCloseTo(0.01, within(1e-9));
  }

  @Test
  void exponentialDecayWithoutStaircaseIsSmoothAndAZeroBurninRateMeansTheInitialRate() {
    LearningRateSchedule s = schedule("exponential_decay_learning_rate { initial_learning_rate: 0.1"
        + " decay_steps: 10 decay_factor: 0.5 staircase: false burnin_steps: 4 }");
    assertThat(s.valueAt(0)).isCloseTo(0.1, within(1e-8));
    assertThat(s.valueAt(3)).isCloseTo(0.1, within(1e-8));
    assertThat(s.valueAt(9)).isCloseTo(0.1 * Math.sqrt(0.5), within(1e-8)); // exponent 5/10
    assertThat(s.valueAt(24)).isCloseTo(0.025, within(1e-8));
  }

  @Test
  void manualStepsSwitchAtEachScheduleStep() {
    LearningRateSchedule s = schedule("manual_step_learning_rate { initial_learning_rate: 0.1"
        + " schedule { step: 10 learning_rate: 0.01 } schedule { step: 20 learning_rate: 0.001 } }");
    assertThat(s.valueAt(0)).isEqualTo((double) 0.1f);
    assertThat(s.valueAt(9)).isEqualTo((double) 0.1f);
    assertThat(s.valueAt(10)).isEqualTo((double) 0.01f);
    assertThat(s.valueAt(19)).isEqualTo((double) 0.01f);
    assertThat(s.valueAt(20)).isEqualTo((double) 0.001f);
    assertThat(s.valueAt(1_000_000)).isEqualTo((double) 0.001f);
  }

  @Test
  void manualStepWarmupInterpolatesUpToTheFirstStep() {
    LearningRateSchedule s = schedule("manual_step_learning_rate { initial_learning_rate: 0.02"
        + " schedule { step: 10 learning_rate: 0.12 } schedule { step: 20 learning_rate: 0.05 }"
        + " warmup: true }");
    assertThat(s.valueAt(0)).isCloseTo(0.02, within(1e-8));
    assertThat(s.valueAt(5)).isCloseTo(0.07, within(1e-8));
    assertThat(s.valueAt(9)).isCloseTo(0.11, within(1e-8));
    assertThat(s.valueAt(10)).isEqualTo((double) 0.12f);
    assertThat(s.valueAt(20)).isEqualTo((double) 0.05f);
    // The API's rates are Python doubles rounded once to float32.
    double slope = ((double) 0.12f - (double) 0.02f) / 10;
    assertThat(s.valueAt(7)).isEqualTo((double) (float) (0.02f + slope * 7));
  }

  @Test
  void cosineWarmsUpHoldsDecaysAndEndsAtZero() {
    LearningRateSchedule s = schedule("cosine_decay_learning_rate { learning_rate_base: 0.1"
        + " total_steps: 100 warmup_learning_rate: 0.01 warmup_steps: 10 hold_base_rate_steps: 20 }");
    assertThat(s.valueAt(0)).isCloseTo(0.01, within(1e-8));
    assertThat(s.valueAt(5)).isCloseTo(0.055, within(1e-8));
    assertThat(s.valueAt(9)).isCloseTo(0.091, within(1e-8));
    assertThat(s.valueAt(10)).isCloseTo(0.1, within(1e-8));
    assertThat(s.valueAt(30)).isCloseTo(0.1, within(1e-8)); // hold end is inclusive
    assertThat(s.valueAt(31)).isCloseTo(0.05 * (1 + Math.cos(Math.PI / 70)), within(1e-8));
    assertThat(s.valueAt(65)).isCloseTo(0.05, within(1e-8));
    assertThat(s.valueAt(100)).isCloseTo(0.0, within(1e-8));
    assertThat(s.valueAt(101)).isEqualTo(0.0);
    assertThat(s.valueAt(5_000_000)).isEqualTo(0.0);
  }

  @Test
  void cosineWithoutWarmupOrHoldStartsAtTheBase() {
    LearningRateSchedule s = schedule("cosine_decay_learning_rate { learning_rate_base: 0.2"
        + " total_steps: 40 warmup_steps: 0 }");
    assertThat(s.valueAt(0)).isCloseTo(0.2, within(1e-8));
    assertThat(s.valueAt(10)).isCloseTo(0.1 * (1 + Math.cos(Math.PI / 4)), within(1e-8));
    assertThat(s.valueAt(20)).isCloseTo(0.1, within(1e-8));
  }

  // ---- errors ----

  @Test
  void anUnsetScheduleNamesTheFieldPath() {
    assertThatThrownBy(() -> schedule(""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(PATH)
        .hasMessageContaining("constant_learning_rate");
  }

  @Test
  void unusableSchedulesAreConfigErrorsNamingTheField() {
    assertThatThrownBy(() -> schedule("manual_step_learning_rate { initial_learning_rate: 0.1 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(PATH + ".manual_step_learning_rate");
    assertThatThrownBy(() -> schedule("manual_step_learning_rate { schedule { step: 0 } }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(".schedule[0].step");
    assertThatThrownBy(() -> schedule(
            "manual_step_learning_rate { schedule { step: 5 } schedule { step: 5 } }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(".schedule[1].step")
        .hasMessageContaining("strictly increasing");
    assertThatThrownBy(() -> schedule("exponential_decay_learning_rate { decay_steps: 0 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(".exponential_decay_learning_rate.decay_steps");
    assertThatThrownBy(() -> schedule(
            "cosine_decay_learning_rate { total_steps: 10 warmup_steps: 20 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(".cosine_decay_learning_rate.total_steps");
    assertThatThrownBy(() -> schedule(
            "cosine_decay_learning_rate { total_steps: 10 warmup_steps: 10 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> schedule("cosine_decay_learning_rate { learning_rate_base: 0.01"
            + " warmup_learning_rate: 0.1 total_steps: 100 warmup_steps: 10 }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("learning_rate_base");
  }

  // ---- graph against pure Java ----

  @Test
  void graphSchedulesAgreeWithJavaAtEveryBoundary() {
    assertGraphAgrees("constant_learning_rate { learning_rate: 0.004 }", 0, 0.004f, 0);
    assertGraphAgrees("exponential_decay_learning_rate { initial_learning_rate: 0.1"
        + " decay_steps: 10 decay_factor: 0.5 burnin_learning_rate: 0.01 burnin_steps: 5"
        + " min_learning_rate: 0.001 }", 1, 0.1f, 5, 15, 25);
    assertGraphAgrees("exponential_decay_learning_rate { initial_learning_rate: 0.3"
        + " decay_steps: 7 decay_factor: 0.93 staircase: false }", 2, 0.3f, 7, 14);
    assertGraphAgrees("manual_step_learning_rate { initial_learning_rate: 0.1"
        + " schedule { step: 10 learning_rate: 0.01 } schedule { step: 20 learning_rate: 0.001 } }",
        0, 0.1f, 10, 20);
    assertGraphAgrees("manual_step_learning_rate { initial_learning_rate: 0.003"
        + " schedule { step: 13 learning_rate: 0.07 } schedule { step: 40 learning_rate: 0.005 }"
        + " warmup: true }", 0, 0.07f, 13, 40);
    assertGraphAgrees("cosine_decay_learning_rate { learning_rate_base: 0.04"
        + " total_steps: 100 warmup_learning_rate: 0.0013 warmup_steps: 10"
        + " hold_base_rate_steps: 20 }", 4, 0.04f, 10, 30, 100);
    assertGraphAgrees("cosine_decay_learning_rate { learning_rate_base: 0.04"
        + " total_steps: 1000 warmup_steps: 0 }", 4, 0.04f, 1000);
  }

  /**
   * Compares the graph and Java faces at steps 0..120, around each boundary, at the proto default
   * total of 4M steps and beyond float32's exact integers.
   *
   * @param maxUlps allowed difference in float32 ulps of the peak rate: TF's float32 pow and cos
   *     kernels are not correctly rounded (measured: 1 ulp of the peak for pow, a few for cos, whose
   *     error {@code 1 + cos} amplifies near the end); everything else must match exactly
   */
  private static void assertGraphAgrees(
      String config, int maxUlps, float peak, long... boundaries) {
    LearningRateSchedule s = schedule(config);
    TreeSet<Long> steps = new TreeSet<>();
    for (long i = 0; i <= 120; i++) {
      steps.add(i);
    }
    for (long b : boundaries) {
      for (long d = -2; d <= 2; d++) {
        steps.add(Math.max(0, b + d));
      }
    }
    steps.add(4_000_000L);
    steps.add((1L << 24) + 1);
    steps.add(123_456_789L);
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TInt64> step = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      Operand<TFloat32> lr = s.build(tf, step);
      try (Session session = new Session(g)) {
        for (long st : steps) {
          float graph;
          try (TInt64 in = TInt64.scalarOf(st);
              Result r = session.runner().feed(step, in).fetch(lr).run()) {
            graph = ((TFloat32) r.get(0)).getFloat();
          }
          float java = (float) s.valueAt(st);
          assertThat(s.valueAt(st)).as("valueAt is a float32 value").isEqualTo((double) java);
          assertThat(Math.abs(graph - java))
              .as("%s at step %d: graph %s, java %s", config, st, graph, java)
              .isLessThanOrEqualTo(maxUlps * Math.ulp(peak));
        }
      }
    }
  }
}
