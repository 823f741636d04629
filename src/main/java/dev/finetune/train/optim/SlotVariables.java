package dev.finetune.train.optim;

import dev.finetune.model.ModelVariable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;

/**
 * Variables the optimizer and the moving averages add, under the exact names TF1 gives them in
 * checkpoints ({@code <var>/Momentum}, {@code beta1_power}, ...). They are built on the graph's base
 * scope, so the name is taken as is: a second variable of the same name fails loudly ("Duplicate
 * node name") instead of being renamed to {@code _1}.
 */
final class SlotVariables {
  private SlotVariables() {}

  /**
   * A non-trainable float variable {@code name} of {@code shape}.
   *
   * @param tf ops of the graph (the initial value is built with them)
   * @param initialValue what the initializer assigns
   */
  static ModelVariable create(Ops tf, String name, long[] shape, Operand<TFloat32> initialValue) {
    Graph graph = (Graph) tf.scope().env();
    Variable<TFloat32> variable = new Variable<>(
        graph.opBuilder(Variable.OP_NAME, name, graph.baseScope())
            .setAttr("shape", Shape.of(shape))
            .setAttr("dtype", DataType.DT_FLOAT)
            .build());
    // Named as TF1 names them, so a graph dump reads the same.
    Operand<TFloat32> value = graph.opBuilder("Identity", name + "/read", graph.baseScope())
        .addInput(variable.asOutput())
        .build()
        .output(0);
    Op initializer = new BuiltOp(
        graph.opBuilder("Assign", name + "/Assign", graph.baseScope())
            .addInput(variable.asOutput())
            .addInput(initialValue.asOutput())
            .build());
    return new ModelVariable(
        name, shape.clone(), TFloat32.class, false, variable, value, initializer);
  }

  /** An {@link Op} view of a built operation. */
  private record BuiltOp(Operation op) implements Op {
    @Override
    public Operation op() {
      return op;
    }
  }
}
