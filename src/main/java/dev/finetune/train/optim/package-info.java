/**
 * The optimization half of the trainer, as the Object Detection API's TF1 trainer builds it
 * ({@code optimizer_builder.py}, {@code learning_schedules.py}, {@code model_lib.py}'s
 * {@code optimize_loss}, {@code MovingAverageOptimizer}), with TensorFlow's raw ops and TF1's
 * checkpoint names.
 *
 * <pre>{@code
 * TrainOp op = TrainOpBuilder.build(tf, totalLoss, trainedVariables, batchNormUpdateOps,
 *     trainConfig.getOptimizer(), trainConfig.getGradientClippingByNorm(), globalStep);
 * // before the loop, in this order:
 * //   1. the model's initializers (and global_step's), then the fine-tune restore
 * //   2. op.slots() initializers            (or, on resume, restore them with the model)
 * //   3. op.shadows() initializers          (they copy the variables' current values: after 1;
 * //                                          on resume restore them instead)
 * // each step: session.runner().addTarget(op.step()).fetch(op.learningRate()).fetch(loss).run()
 * // checkpoint: model variables + global_step + op.slots() + op.shadows()
 * // logs: op.schedule().valueAt(step), op.notInLoss() (warn), op.globalNorm() (when clipping)
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.finetune.train.optim.LearningRateSchedule}: {@code valueAt(step)} in Java and
 *       {@code build(tf, globalStep)} in the graph, one definition each, float32 as the API.
 *   <li>{@link dev.finetune.train.optim.OptimizerBuilder}: momentum, RMSProp, Adam with slots named
 *       {@code <var>/Momentum}, {@code <var>/RMSProp[_1]}, {@code <var>/Adam[_1]},
 *       {@code beta1_power}, {@code beta2_power}; updates gated on every gradient; one op that
 *       applies them all and then increments global_step.
 *   <li>{@link dev.finetune.train.optim.GradientClipping}: {@code tf.clip_by_global_norm}.
 *   <li>{@link dev.finetune.train.optim.MovingAverages}: {@code <var>/ExponentialMovingAverage}
 *       shadows of the trained variables, updated after the optimizer step; {@code restoreKey}
 *       for evaluation and export.
 *   <li>{@link dev.finetune.train.optim.TrainOpBuilder}: the whole step.
 * </ul>
 */
package dev.finetune.train.optim;
