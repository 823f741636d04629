package dev.finetune.model;

import dev.finetune.model.ConvHyperparams.Initializer;
import dev.finetune.model.ConvHyperparams.RandomNormal;
import dev.finetune.model.ConvHyperparams.Regularizer;
import dev.finetune.model.ConvHyperparams.TruncatedNormal;
import dev.finetune.model.ConvHyperparams.VarianceScaling;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Creates the model's TF1 variables under their exact checkpoint names, each once: a second request
 * for the same name (a second forward branch sharing the weights) returns the first. Also keeps
 * what the API keeps in graph collections: the regularization losses and the trainable list.
 */
public final class VariableStore {
  public static final String GLOBAL_STEP = "global_step";
  private final ModelScopes scopes;
  private final long seed;
  private final Map<String, ModelVariable> byName = new LinkedHashMap<>();
  private final List<Operand<TFloat32>> regularizationLosses = new ArrayList<>();
  private int seedCounter;

  /**
   * @param scopes where the variables are created; their op names are the checkpoint names
   * @param seed base of the per-variable initializer seeds (graph-level reproducibility)
   */
  public VariableStore(ModelScopes scopes, long seed) {
    this.scopes = scopes;
    this.seed = seed;
  }

  public ModelScopes scopes() {
    return scopes;
  }

  /**
   * The value of the float weight {@code scope/name}, created with {@code init} and, when given,
   * adding {@code regularizer}'s loss on it once.
   */
  public Operand<TFloat32> weights(
      String scope, String name, long[] shape, Initializer init, Optional<Regularizer> regularizer) {
    String full = ModelScopes.join(scope, name);
    ModelVariable existing = byName.get(full);
    if (existing != null) {
      return cast(existing);
    }
    Ops ops = scopes.at(scope);
    Variable<TFloat32> v = ops.withName(name).variable(Shape.of(shape), TFloat32.class);
    Operand<TFloat32> initial = initialValue(ops, shape, init);
    ModelVariable mv = register(ops, full, shape, true, v, initial);
    regularizer.ifPresent(r -> regularizationLosses.add(regularization(ops, name, cast(mv), r)));
    return cast(mv);
  }

  /** The value of the float variable {@code scope/name}, filled with {@code value} initially. */
  public Operand<TFloat32> constant(
      String scope, String name, long[] shape, float value, boolean trainable) {
    String full = ModelScopes.join(scope, name);
    ModelVariable existing = byName.get(full);
    if (existing != null) {
      return cast(existing);
    }
    Ops ops = scopes.at(scope);
    Variable<TFloat32> v = ops.withName(name).variable(Shape.of(shape), TFloat32.class);
    Operand<TFloat32> initial =
        ops.fill(ops.constant(Shape.of(shape)), ops.constant(value));
    return cast(register(ops, full, shape, trainable, v, initial));
  }

  /** {@code global_step}: int64 scalar, not trainable, starts at 0. */
  public Variable<TInt64> globalStep() {
    ModelVariable existing = byName.get("global_step");
    if (existing != null) {
      @SuppressWarnings("unchecked")
      Variable<TInt64> v = (Variable<TInt64>) existing.variable();
      return v;
    }
    Ops ops = scopes.root();
    Variable<TInt64> v = ops.withName("global_step").variable(Shape.scalar(), TInt64.class);
    Operand<TInt64> value = ops.withName("global_step_read").identity(v);
    Op init = ops.withName("global_step_init").assign(v, ops.constant(0L));
    byName.put(
        "global_step",
        new ModelVariable("global_step", new long[0], TInt64.class, false, v, value, init));
    return v;
  }

  /** The ref of a variable created earlier (for assignments such as moving-average updates). */
  @SuppressWarnings("unchecked")
  public Variable<TFloat32> ref(String fullName) {
    ModelVariable mv = byName.get(fullName);
    if (mv == null) {
      throw new IllegalArgumentException("no variable " + fullName);
    }
    return (Variable<TFloat32>) mv.variable();
  }

  /** Every variable, in creation order. */
  public List<ModelVariable> variables() {
    return Collections.unmodifiableList(new ArrayList<>(byName.values()));
  }

  public List<ModelVariable> trainableVariables() {
    return byName.values().stream().filter(ModelVariable::trainable).toList();
  }

  /** One loss per regularized weight tensor, as the API's REGULARIZATION_LOSSES collection. */
  public List<Operand<TFloat32>> regularizationLosses() {
    return Collections.unmodifiableList(regularizationLosses);
  }

  private ModelVariable register(
      Ops ops,
      String full,
      long[] shape,
      boolean trainable,
      Variable<TFloat32> v,
      Operand<TFloat32> initial) {
    String name = full.substring(full.lastIndexOf('/') + 1);
    Operand<TFloat32> value = ops.withName(name + "_read").identity(v);
    Op init = ops.withName(name + "_init").assign(v, initial);
    ModelVariable mv = new ModelVariable(full, shape.clone(), TFloat32.class, trainable, v, value, init);
    byName.put(full, mv);
    return mv;
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> cast(ModelVariable mv) {
    return (Operand<TFloat32>) mv.value();
  }

  private Operand<TFloat32> regularization(
      Ops ops, String name, Operand<TFloat32> w, Regularizer r) {
    Operand<TFloat32> scale = ops.constant(r.weight());
    return switch (r.kind()) {
        // slim.l2_regularizer: scale * tf.nn.l2_loss(w) = scale * sum(w^2) / 2.
      case L2 -> ops.withName(name + "_l2_regularizer").math.mul(scale, ops.nn.l2Loss(w));
        // slim.l1_regularizer: scale * sum(|w|).
      case L1 -> ops.withName(name + "_l1_regularizer")
          .math.mul(scale, ops.reduceSum(ops.math.abs(w), ops.constant(allAxes(w))));
    };
  }

  private static int[] allAxes(Operand<?> x) {
    int rank = x.shape().numDimensions();
    int[] axes = new int[rank];
    for (int i = 0; i < rank; i++) {
      axes[i] = i;
    }
    return axes;
  }

  private Operand<TFloat32> initialValue(Ops ops, long[] shape, Initializer init) {
    Operand<org.tensorflow.types.TInt64> shapeOp = ops.constant(shape);
    long s1 = seed;
    long s2 = (long) ++seedCounter;
    if (init instanceof TruncatedNormal tn) {
      return affine(ops, truncatedNormal(ops, shapeOp, s1, s2), tn.stddev(), tn.mean());
    }
    if (init instanceof RandomNormal rn) {
      Operand<TFloat32> z =
          ops.random.randomStandardNormal(
              shapeOp, TFloat32.class, RandomStandardNormal.seed(s1), RandomStandardNormal.seed2(s2));
      return affine(ops, z, rn.stddev(), rn.mean());
    }
    if (init instanceof VarianceScaling vs) {
      double n = fanFor(shape, vs.mode());
      if (vs.uniform()) {
        double limit = Math.sqrt(3.0 * vs.factor() / n);
        Operand<TFloat32> u =
            ops.random.randomUniform(
                shapeOp, TFloat32.class, RandomUniform.seed(s1), RandomUniform.seed2(s2));
        // uniform in [-limit, limit)
        return affine(ops, u, (float) (2 * limit), (float) -limit);
      }
      double stddev = Math.sqrt(1.3 * vs.factor() / n);
      return affine(ops, truncatedNormal(ops, shapeOp, s1, s2), (float) stddev, 0f);
    }
    throw new IllegalArgumentException("unknown initializer " + init);
  }

  /** slim's fan computation: fan_in = shape[-2]·receptive field, fan_out = shape[-1]·rf. */
  static double fanFor(long[] shape, VarianceScaling.Mode mode) {
    double fanIn = shape.length > 1 ? shape[shape.length - 2] : shape[shape.length - 1];
    double fanOut = shape[shape.length - 1];
    for (int i = 0; i < shape.length - 2; i++) {
      fanIn *= shape[i];
      fanOut *= shape[i];
    }
    return switch (mode) {
      case FAN_IN -> fanIn;
      case FAN_OUT -> fanOut;
      case FAN_AVG -> (fanIn + fanOut) / 2.0;
    };
  }

  private static Operand<TFloat32> truncatedNormal(
      Ops ops, Operand<TInt64> shape, long s1, long s2) {
    return ops.random.truncatedNormal(
        shape,
        TFloat32.class,
        org.tensorflow.op.random.TruncatedNormal.seed(s1),
        org.tensorflow.op.random.TruncatedNormal.seed2(s2));
  }

  private static Operand<TFloat32> affine(Ops ops, Operand<TFloat32> x, float scale, float shift) {
    return ops.math.add(ops.math.mul(x, ops.constant(scale)), ops.constant(shift));
  }
}
