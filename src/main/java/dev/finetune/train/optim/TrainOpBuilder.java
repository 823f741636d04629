package dev.finetune.train.optim;

import dev.finetune.model.ModelVariable;
import dev.finetune.proto.Optimizer;
import dev.finetune.config.ConfigException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The whole training step, as the API's TF1 {@code model_lib} builds it with
 * {@code optimize_loss}: gradients of the loss for the trained variables only, optional global-norm
 * clipping, the optimizer update with the global_step increment, the model's update ops (batch-norm
 * statistics) and, when {@code use_moving_average}, the moving averages after the update.
 */
public final class TrainOpBuilder {
  private TrainOpBuilder() {}

  /**
   * @param loss the total loss (regularization included or not: the caller's decision)
   * @param trained the variables to update, already filtered by the freeze rules; gradients are
   *     built for these only, so frozen layers below them get no backward pass
   * @param updateOps the model's update ops (batch-norm moving statistics), run in the same step
   * @param clipNorm {@code gradient_clipping_by_norm}: clipping when > 0
   * @throws ConfigException when the optimizer config cannot be built, or no variable to train
   *     affects the loss
   */
  @SuppressWarnings("unchecked")
  public static TrainOp build(
      Ops tf,
      Operand<TFloat32> loss,
      List<ModelVariable> trained,
      List<Op> updateOps,
      Optimizer config,
      float clipNorm,
      Variable<TInt64> globalStep) {
    if (trained.isEmpty()) {
      throw new IllegalArgumentException("no variables to train");
    }
    Graph graph = (Graph) tf.scope().env();
    // As TF1, a variable the loss does not depend on gets no gradient, so no update, slots or
    // average (TF Java's gradients would fail on it instead).
    Set<GraphOperation> lossInputs = ancestors((GraphOperation) loss.op());
    List<ModelVariable> notInLoss = trained.stream()
        .filter(v -> !lossInputs.contains((GraphOperation) v.value().op()))
        .toList();
    if (notInLoss.size() == trained.size()) {
      throw new ConfigException("none of the " + trained.size() + " variables to train affects the"
          + " loss: check train_config.freeze_variables and update_trainable_variables");
    }
    List<ModelVariable> used = trained.stream().filter(v -> !notInLoss.contains(v)).toList();
    // Differentiate with respect to the Identity reads, never the refs (TF Java crashes on those).
    Output<?>[] xs = new Output<?>[used.size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = used.get(i).value().asOutput();
    }
    Output<?>[] dxs = graph.addGradients(loss.asOutput(), xs);
    List<Operand<TFloat32>> gradients = new ArrayList<>();
    for (Output<?> dx : dxs) {
      gradients.add((Operand<TFloat32>) dx);
    }
    Optional<Operand<TFloat32>> globalNorm = Optional.empty();
    if (clipNorm > 0) {
      GradientClipping.Clipped clipped = GradientClipping.byGlobalNorm(tf, gradients, clipNorm);
      gradients = clipped.gradients();
      globalNorm = Optional.of(clipped.globalNorm());
    }
    OptimizerOps optimizer = OptimizerBuilder.build(tf, config, used, gradients, globalStep);
    List<Op> all = new ArrayList<>();
    all.add(optimizer.apply());
    all.addAll(updateOps);
    List<ModelVariable> shadows = List.of();
    Map<String, String> shadowNames = Map.of();
    if (config.getUseMovingAverage()) {
      MovingAverages averages = MovingAverages.build(
          tf, used, config.getMovingAverageDecay(), optimizer.apply());
      all.add(averages.update());
      shadows = averages.shadows();
      shadowNames = averages.shadowNames();
    }
    Op step = tf.withControlDependencies(all).withName("train_op").noOp();
    return new TrainOp(step, optimizer.learningRate(), globalNorm, used,
        notInLoss.stream().map(ModelVariable::name).toList(), optimizer.slots(), shadows,
        shadowNames, optimizer.schedule());
  }

  /** Every op {@code op} depends on through data inputs (the edges gradients follow). */
  private static Set<GraphOperation> ancestors(GraphOperation op) {
    Set<GraphOperation> seen = new HashSet<>();
    Deque<GraphOperation> todo = new ArrayDeque<>(List.of(op));
    while (!todo.isEmpty()) {
      GraphOperation o = todo.pop();
      if (seen.add(o)) {
        for (int i = 0; i < o.numInputs(); i++) {
          todo.push((GraphOperation) o.input(i).op());
        }
      }
    }
    return seen;
  }
}
