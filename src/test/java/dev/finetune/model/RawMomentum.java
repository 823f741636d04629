package dev.finetune.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Momentum updates of a model's trainable variables, built with the raw ApplyMomentum op (the
 * framework optimizers fail on scoped names): for the overfit test and the benchmark, until the
 * trainer has its own optimizer builder.
 */
public final class RawMomentum {
  private RawMomentum() {}

  /**
   * @param slotInitializers receives the ops that zero the momentum slots; run them with the
   *     model's initializers
   */
  @SuppressWarnings("unchecked")
  public static List<Op> build(
      Graph g, Ops tf, Detector model, float lr, float momentum, List<Op> slotInitializers) {
    List<ModelVariable> vars = model.trainableVariables();
    Output<?>[] xs = new Output<?>[vars.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = vars.get(i).value().asOutput();
    }
    Output<?>[] grads = g.addGradients(model.totalLoss().asOutput(), xs);
    // Every update waits for every gradient (TF1's gate_gradients): ApplyMomentum changes the
    // variable in place, and a backprop op still reading it (through an aliasing Identity) would
    // otherwise see the new value. Without this gate the run is not reproducible and can blow up.
    List<Op> gradientsDone = new ArrayList<>();
    for (Output<?> gr : grads) {
      gradientsDone.add(tf.identity((Operand<TFloat32>) gr));
    }
    Ops gated = tf.withControlDependencies(gradientsDone);
    Ops slots = tf.withSubScope("Momentum");
    List<Op> ops = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      ModelVariable v = vars.get(i);
      Variable<TFloat32> accum = slots.variable(Shape.of(v.shape()), TFloat32.class);
      slotInitializers.add(slots.assign(accum, slots.zeros(slots.constant(v.shape()), TFloat32.class)));
      ops.add(
          gated.train.applyMomentum(
              (Variable<TFloat32>) v.variable(), accum, gated.constant(lr),
              (Operand<TFloat32>) grads[i], gated.constant(momentum)));
    }
    return ops;
  }
}
