package dev.finetune.train.optim;

import dev.finetune.model.ModelVariable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * Everything one training step needs, built once before the loop.
 *
 * @param step run it (as a target) once per step: gradients, clipping, the optimizer update, the
 *     global_step increment, the batch-norm update ops and the moving averages
 * @param learningRate the rate of this step (fetch it in the same run for logs)
 * @param globalNorm the gradients' global norm before clipping, when clipping is on
 * @param trained the variables updated: those given that the loss depends on
 * @param notInLoss names of the variables given that the loss does not depend on: TF1 gives them no
 *     gradient, hence no update, slot or average; worth a warning
 * @param slots the optimizer's variables: initialise with the model's, or restore on resume
 * @param shadows the moving averages (empty when off): initialise them <b>after</b> the model's
 *     initializers and the fine-tune restore (their initializers copy the variables), or restore
 *     them on resume
 * @param shadowNames trained variable name to its shadow's name
 * @param schedule the learning-rate schedule in pure Java
 */
public record TrainOp(
    Op step,
    Operand<TFloat32> learningRate,
    Optional<Operand<TFloat32>> globalNorm,
    List<ModelVariable> trained,
    List<String> notInLoss,
    List<ModelVariable> slots,
    List<ModelVariable> shadows,
    Map<String, String> shadowNames,
    LearningRateSchedule schedule) {}
