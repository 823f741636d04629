package dev.finetune.train.optim;

import dev.finetune.model.ModelVariable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code optimizer.use_moving_average} / {@code moving_average_decay}: TF1's
 * {@code tf.contrib.opt.MovingAverageOptimizer}, which the API wraps around its optimizer. It keeps a
 * shadow {@code <var>/ExponentialMovingAverage} of every variable it trains (the frozen ones get
 * none) with {@code ExponentialMovingAverage(decay, num_updates=None, zero_debias=False)}, and
 * updates it after the optimizer step, in the same run:
 * {@code shadow -= (shadow - var) * (1 - decay)}, the decay constant (no num_updates ramp).
 *
 * <p>Initial value: TF1 initialises a shadow from {@code var.initialized_value()}, i.e. the variable's
 * value once it is initialised, which is the fine-tune checkpoint's value when the variable is
 * restored from one. So each shadow's initializer here reads its variable: run it <b>after</b> the
 * model's initializers and the fine-tune restore. On resume, restore the shadows from the checkpoint
 * instead.
 *
 * <p>Evaluation and export with {@code use_moving_averages} read {@link #shadowName(String)} from a
 * checkpoint in place of the variable's own key (TF1's {@code variables_to_restore}); see
 * {@link #restoreKey}.
 */
public final class MovingAverages {
  /** The shadow suffix TF1 writes in checkpoints. */
  public static final String SUFFIX = "ExponentialMovingAverage";

  private final List<ModelVariable> shadows;
  private final Map<String, String> shadowNames;
  private final Op update;

  private MovingAverages(List<ModelVariable> shadows, Map<String, String> shadowNames, Op update) {
    this.shadows = shadows;
    this.shadowNames = shadowNames;
    this.update = update;
  }

  /** {@code <variableName>/ExponentialMovingAverage}. */
  public static String shadowName(String variableName) {
    return variableName + "/" + SUFFIX;
  }

  /**
   * The checkpoint key to read {@code variableName}'s averaged value from: its shadow when the
   * checkpoint has one, else the variable itself (a variable that was frozen, or not trainable,
   * has no shadow).
   */
  public static String restoreKey(String variableName, Set<String> checkpointKeys) {
    String shadow = shadowName(variableName);
    return checkpointKeys.contains(shadow) ? shadow : variableName;
  }

  /**
   * Shadows of {@code vars} and their update.
   *
   * @param after the optimizer step; the update reads the variables once it has run
   */
  public static MovingAverages build(Ops tf, List<ModelVariable> vars, float decay, Op after) {
    if (!(decay >= 0f && decay <= 1f)) {
      throw new IllegalArgumentException("moving average decay must be in [0, 1], got " + decay);
    }
    Ops afterStep = tf.withControlDependencies(List.of(after));
    // As TF's assign_moving_average: 1 - decay in float32.
    Operand<TFloat32> oneMinusDecay = afterStep.math.sub(tf.constant(1f), tf.constant(decay));
    List<ModelVariable> shadows = new ArrayList<>();
    Map<String, String> names = new LinkedHashMap<>();
    List<Op> updates = new ArrayList<>();
    for (ModelVariable v : vars) {
      Operand<TFloat32> initial = tf.identity(OptimizerBuilder.ref(v));
      ModelVariable shadow = SlotVariables.create(tf, shadowName(v.name()), v.shape(), initial);
      shadows.add(shadow);
      names.put(v.name(), shadow.name());
      // A fresh read under the control dependency: v.value() may have run before the step.
      Operand<TFloat32> updated = afterStep.identity(OptimizerBuilder.ref(v));
      Operand<TFloat32> delta = afterStep.math.mul(
          afterStep.math.sub(afterStep.identity(OptimizerBuilder.ref(shadow)), updated),
          oneMinusDecay);
      updates.add(afterStep.assignSub(OptimizerBuilder.ref(shadow), delta));
    }
    Op update = tf.withControlDependencies(updates).withName("moving_average_update").noOp();
    return new MovingAverages(
        List.copyOf(shadows), Collections.unmodifiableMap(names), update);
  }

  /** The shadow variables; their initializers read the variables (see the class comment). */
  public List<ModelVariable> shadows() {
    return shadows;
  }

  /** Variable name to shadow name, for every averaged variable. */
  public Map<String, String> shadowNames() {
    return shadowNames;
  }

  /** Updates every shadow; runs after the optimizer step it was built with. */
  public Op update() {
    return update;
  }
}
