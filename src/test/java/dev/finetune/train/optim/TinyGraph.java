package dev.finetune.train.optim;

import com.google.protobuf.TextFormat;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.TfTestUtil;
import dev.finetune.proto.Optimizer;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Small graphs and helpers for the optimizer tests. */
final class TinyGraph {
  private TinyGraph() {}

  /** A trainable float variable {@code scope/name} starting at {@code values}. */
  static ModelVariable variable(Ops tf, String scope, String name, float[] values, long... shape) {
    Ops s = tf.withSubScope(scope);
    Variable<TFloat32> v = s.withName(name).variable(Shape.of(shape), TFloat32.class);
    Operand<TFloat32> value = s.withName(name + "_read").identity(v);
    Op init = s.withName(name + "_init")
        .assign(v, s.constant(Shape.of(shape), DataBuffers.of(values, true, false)));
    return new ModelVariable(scope + "/" + name, shape, TFloat32.class, true, v, value, init);
  }

  /** {@code global_step} with its initializer run by {@link #initialize}. */
  static final class GlobalStep {
    final Variable<TInt64> variable;
    final Op init;

    GlobalStep(Ops tf) {
      variable = tf.withName("global_step").variable(Shape.scalar(), TInt64.class);
      init = tf.assign(variable, tf.constant(0L));
    }

    long read(Session s) {
      try (Result r = s.runner().fetch(variable).run()) {
        return ((TInt64) r.get(0)).getLong();
      }
    }
  }

  static Optimizer optimizer(String text) {
    try {
      Optimizer.Builder b = Optimizer.newBuilder();
      TextFormat.merge(text, b);
      return b.build();
    } catch (TextFormat.ParseException e) {
      throw new AssertionError(e);
    }
  }

  static void initialize(Session s, List<ModelVariable> vars, Op... more) {
    if (vars.isEmpty() && more.length == 0) {
      return;
    }
    Session.Runner r = s.runner();
    vars.forEach(v -> r.addTarget(v.initializer()));
    for (Op op : more) {
      r.addTarget(op);
    }
    r.run();
  }

  static float[] values(Session s, Operand<?> v) {
    try (Result r = s.runner().fetch(v).run()) {
      return TfTestUtil.floats(r.get(0));
    }
  }

  static float[] values(Session s, ModelVariable v) {
    return values(s, v.variable());
  }

  static TFloat32 tensor(float[] values, long... shape) {
    return TfTestUtil.tensor(shape, values);
  }
}
