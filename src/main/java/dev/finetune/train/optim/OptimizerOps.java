package dev.finetune.train.optim;

import dev.finetune.model.ModelVariable;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * The graph pieces of one optimizer step.
 *
 * @param learningRate the rate this step uses (read from global_step before it is incremented)
 * @param apply applies every update, then adds 1 to global_step (TF1's
 *     {@code apply_gradients(global_step=...)}); run it once per step
 * @param slots the optimizer's own variables (slots such as {@code <var>/Momentum}, and Adam's
 *     {@code beta1_power} / {@code beta2_power}), with initializers: initialise them with the model
 *     (or restore them on resume) and checkpoint them
 * @param schedule the learning-rate schedule, for logs ({@link LearningRateSchedule#valueAt})
 */
public record OptimizerOps(
    Operand<TFloat32> learningRate,
    Op apply,
    List<ModelVariable> slots,
    LearningRateSchedule schedule) {}
