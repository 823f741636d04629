package dev.finetune.train.optim;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ModelVariable;
import dev.finetune.proto.AdamOptimizer;
import dev.finetune.proto.MomentumOptimizer;
import dev.finetune.proto.Optimizer;
import dev.finetune.proto.RMSPropOptimizer;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The optimizer of {@code train_config.optimizer}, as the API's {@code optimizer_builder} builds
 * TF1's {@code MomentumOptimizer}, {@code RMSPropOptimizer} and {@code AdamOptimizer}, but with
 * TensorFlow's raw apply ops on an explicit variable list (TF Java's framework optimizers take every
 * variable and cannot write TF1's slot names).
 *
 * <p>Slots carry TF1's checkpoint names: {@code <var>/Momentum}; RMSProp's mean square
 * {@code <var>/RMSProp} (starts at ones, as TF1) and momentum {@code <var>/RMSProp_1} (zeros);
 * Adam's {@code <var>/Adam} (m), {@code <var>/Adam_1} (v) and the scalars {@code beta1_power},
 * {@code beta2_power} (start at beta1, beta2). Moving averages are separate: {@link MovingAverages}.
 */
public final class OptimizerBuilder {
  /** The config path of the optimizer message, for error messages. */
  public static final String PATH = "train_config.optimizer";

  // TF1 AdamOptimizer's defaults; the API does not expose them.
  static final float ADAM_BETA1 = 0.9f;
  static final float ADAM_BETA2 = 0.999f;

  private OptimizerBuilder() {}

  /**
   * Builds the updates of {@code vars} from {@code gradients} (same order).
   *
   * <p>Every update waits for every gradient: the apply ops change the variables in place, and a
   * backprop op still reading a variable through an aliasing Identity would otherwise see the new
   * value (TF1 got the same from its gating; without it runs are not reproducible and can diverge).
   *
   * @throws ConfigException when no optimizer or no learning-rate schedule is set, or the schedule
   *     cannot work
   */
  @SuppressWarnings("unchecked")
  public static OptimizerOps build(
      Ops tf,
      Optimizer config,
      List<ModelVariable> vars,
      List<Operand<TFloat32>> gradients,
      Variable<TInt64> globalStep) {
    if (vars.size() != gradients.size()) {
      throw new IllegalArgumentException(
          vars.size() + " variables but " + gradients.size() + " gradients");
    }
    LearningRateSchedule schedule = schedule(config);
    Operand<TFloat32> lr = schedule.build(tf, tf.identity(globalStep));
    Ops gated = tf.withControlDependencies(new ArrayList<Op>(gradients));
    List<ModelVariable> slots = new ArrayList<>();
    List<Op> updates = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      ModelVariable v = vars.get(i);
      if (v.dtype() != TFloat32.class) {
        throw new IllegalArgumentException(v.name() + " is " + v.dtypeName() + ", not float32");
      }
    }
    switch (config.getOptimizerCase()) {
      case MOMENTUM_OPTIMIZER -> {
        MomentumOptimizer c = config.getMomentumOptimizer();
        Operand<TFloat32> momentum = tf.constant(c.getMomentumOptimizerValue());
        for (int i = 0; i < vars.size(); i++) {
          ModelVariable v = vars.get(i);
          ModelVariable accum = slot(tf, v, "Momentum", 0f);
          slots.add(accum);
          updates.add(gated.train.applyMomentum(
              ref(v), ref(accum), lr, gradients.get(i), momentum));
        }
      }
      case RMS_PROP_OPTIMIZER -> {
        RMSPropOptimizer c = config.getRmsPropOptimizer();
        Operand<TFloat32> rho = tf.constant(c.getDecay());
        Operand<TFloat32> momentum = tf.constant(c.getMomentumOptimizerValue());
        Operand<TFloat32> epsilon = tf.constant(c.getEpsilon());
        for (int i = 0; i < vars.size(); i++) {
          ModelVariable v = vars.get(i);
          ModelVariable ms = slot(tf, v, "RMSProp", 1f);
          ModelVariable mom = slot(tf, v, "RMSProp_1", 0f);
          slots.add(ms);
          slots.add(mom);
          updates.add(gated.train.applyRmsProp(
              ref(v), ref(ms), ref(mom), lr, rho, momentum, epsilon, gradients.get(i)));
        }
      }
      case ADAM_OPTIMIZER -> {
        AdamOptimizer c = config.getAdamOptimizer();
        Operand<TFloat32> beta1 = tf.constant(ADAM_BETA1);
        Operand<TFloat32> beta2 = tf.constant(ADAM_BETA2);
        Operand<TFloat32> epsilon = tf.constant(c.getEpsilon());
        ModelVariable beta1Power = SlotVariables.create(
            tf, "beta1_power", new long[0], tf.constant(ADAM_BETA1));
        ModelVariable beta2Power = SlotVariables.create(
            tf, "beta2_power", new long[0], tf.constant(ADAM_BETA2));
        List<Op> applies = new ArrayList<>();
        for (int i = 0; i < vars.size(); i++) {
          ModelVariable v = vars.get(i);
          ModelVariable m = slot(tf, v, "Adam", 0f);
          ModelVariable s = slot(tf, v, "Adam_1", 0f);
          slots.add(m);
          slots.add(s);
          applies.add(gated.train.applyAdam(
              ref(v), ref(m), ref(s),
              (Operand<TFloat32>) beta1Power.value(), (Operand<TFloat32>) beta2Power.value(),
              lr, beta1, beta2, epsilon, gradients.get(i)));
        }
        slots.add(beta1Power);
        slots.add(beta2Power);
        // TF1's AdamOptimizer._finish: the powers advance once every variable is updated.
        Ops afterApplies = tf.withControlDependencies(applies);
        updates.addAll(applies);
        updates.add(afterApplies.assign(ref(beta1Power),
            afterApplies.math.mul((Operand<TFloat32>) beta1Power.value(), beta1)));
        updates.add(afterApplies.assign(ref(beta2Power),
            afterApplies.math.mul((Operand<TFloat32>) beta2Power.value(), beta2)));
      }
      case OPTIMIZER_NOT_SET -> throw notSet();
    }
    Op apply = tf.withControlDependencies(updates)
        .withName("increment_global_step")
        .assignAdd(globalStep, tf.constant(1L));
    return new OptimizerOps(lr, apply, List.copyOf(slots), schedule);
  }

  /** The learning-rate schedule of {@code config}'s optimizer. */
  public static LearningRateSchedule schedule(Optimizer config) {
    return switch (config.getOptimizerCase()) {
      case MOMENTUM_OPTIMIZER -> LearningRateSchedule.from(
          config.getMomentumOptimizer().getLearningRate(), PATH + ".momentum_optimizer.learning_rate");
      case RMS_PROP_OPTIMIZER -> LearningRateSchedule.from(
          config.getRmsPropOptimizer().getLearningRate(), PATH + ".rms_prop_optimizer.learning_rate");
      case ADAM_OPTIMIZER -> LearningRateSchedule.from(
          config.getAdamOptimizer().getLearningRate(), PATH + ".adam_optimizer.learning_rate");
      case OPTIMIZER_NOT_SET -> throw notSet();
    };
  }

  private static ConfigException notSet() {
    return new ConfigException(PATH + " has no optimizer: set one of momentum_optimizer, "
        + "rms_prop_optimizer, adam_optimizer");
  }

  /** The slot {@code <var>/<suffix>} of {@code v}'s shape, filled with {@code initial}. */
  private static ModelVariable slot(Ops tf, ModelVariable v, String suffix, float initial) {
    Operand<TFloat32> value = tf.fill(tf.constant(v.shape()), tf.constant(initial));
    return SlotVariables.create(tf, v.name() + "/" + suffix, v.shape(), value);
  }

  @SuppressWarnings("unchecked")
  static Variable<TFloat32> ref(ModelVariable v) {
    return (Variable<TFloat32>) v.variable();
  }
}
