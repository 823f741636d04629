package dev.finetune.train;

import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.proto.TrainConfig;
import dev.finetune.proto.TrainEvalPipelineConfig;
import dev.finetune.train.optim.TrainOp;
import dev.finetune.train.optim.TrainOpBuilder;
import dev.finetune.util.GraphOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The complete training graph, built once before the first step (no op is added while training):
 * the model in training mode, the loss the optimizer minimizes (the regularization loss only with
 * {@code add_regularization_loss}, as the API's model_lib), gradients for the trainable variables
 * only, the optimizer, batch-norm updates and moving averages in one op.
 */
public final class TrainGraph {
  public static final String TOTAL_LOSS = "Loss/total_loss";
  static final String REGULARIZATION_LOSS = "Loss/regularization_loss";

  private final Detector model;
  private final TrainOp trainOp;
  private final List<ModelVariable> trained;
  private final Map<String, Operand<TFloat32>> losses = new LinkedHashMap<>();

  /**
   * @param trained the variables to update (the freeze rules already applied), all from
   *     {@code model}
   */
  private TrainGraph(Detector model, TrainConfig train, List<ModelVariable> trained) {
    this.model = model;
    this.trained = List.copyOf(trained);
    Ops tf = GraphOps.create(model.graph());
    Map<String, Operand<TFloat32>> modelLosses = model.losses();
    List<Operand<TFloat32>> terms = new ArrayList<>();
    for (Map.Entry<String, Operand<TFloat32>> e : modelLosses.entrySet()) {
      if (e.getKey().equals(TOTAL_LOSS)) {
        continue;
      }
      if (e.getKey().equals(REGULARIZATION_LOSS) && !train.getAddRegularizationLoss()) {
        continue;
      }
      losses.put(e.getKey(), e.getValue());
      terms.add(e.getValue());
    }
    Operand<TFloat32> total =
        train.getAddRegularizationLoss()
            ? model.totalLoss()
            : tf.withName("total_loss_without_regularization").math.addN(terms);
    losses.put(TOTAL_LOSS, total);
    trainOp =
        TrainOpBuilder.build(
            tf, total, trained, model.updateOps(), train.getOptimizer(),
            train.getGradientClippingByNorm(), model.globalStep());
  }

  /**
   * The training step for {@code model} (built in TRAIN mode), updating only {@code trained}.
   */
  public static TrainGraph build(Detector model, TrainConfig train, List<ModelVariable> trained) {
    return new TrainGraph(model, train, trained);
  }

  /** The model for {@code config}, in training mode, built into {@code graph}. */
  public static Detector buildModel(TrainEvalPipelineConfig config, Graph graph, long seed) {
    return ModelBuilder.build(
        config.getModel(), graph, config.getTrainConfig().getBatchSize(), seed, BuildMode.TRAIN);
  }

  public Detector model() {
    return model;
  }

  public TrainOp trainOp() {
    return trainOp;
  }

  public List<ModelVariable> trained() {
    return trained;
  }

  /** The losses fetched each step, {@link #TOTAL_LOSS} last: what the optimizer minimizes. */
  public Map<String, Operand<TFloat32>> losses() {
    return losses;
  }

  /** Every variable of the graph: the model's, the optimizer slots, the moving averages. */
  public List<ModelVariable> allVariables() {
    List<ModelVariable> all = new ArrayList<>(model.variables());
    all.addAll(trainOp.slots());
    all.addAll(trainOp.shadows());
    return all;
  }

  /** The model's and the optimizer's initializers (run before a fine-tune restore). */
  public List<Op> initializers() {
    List<Op> ops = new ArrayList<>(model.initializers());
    trainOp.slots().forEach(v -> ops.add(v.initializer()));
    return ops;
  }

  /** The moving averages' initializers: they copy the variables, so run them after any restore. */
  public List<Op> shadowInitializers() {
    return trainOp.shadows().stream().map(ModelVariable::initializer).toList();
  }
}
