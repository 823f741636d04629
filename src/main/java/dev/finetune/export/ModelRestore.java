package dev.finetune.export;

import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.checkpoint.CheckpointLayout;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.RestoreLoader;
import dev.finetune.checkpoint.RestorePlan;
import dev.finetune.checkpoint.RestorePlan.Decision;
import dev.finetune.checkpoint.RestorePlan.Entry;
import dev.finetune.model.Detector;
import dev.finetune.model.ModelVariable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt64;

/**
 * Loads a trained checkpoint into an inference graph: every model variable under its own name (or,
 * with moving averages, from its shadow {@code <var>/ExponentialMovingAverage} when the checkpoint
 * has one, as the API's exporter reads {@code variables_to_restore()}), bit-identical (the {@link
 * RestoreLoader} feeds what the pure-Java reader reads). Optimizer slots and shadows are not model
 * variables and stay behind. {@code global_step} is copied when present, so the export records its
 * step. Any model variable the checkpoint cannot give means the checkpoint is of another model: a
 * {@link CheckpointException} says so.
 */
final class ModelRestore {
  private final RestorePlan plan;
  private final RestoreLoader loader;
  private final Placeholder<TInt64> stepValue;
  private final Op stepAssign;
  private final Optional<Long> globalStep;

  private ModelRestore(RestorePlan plan, RestoreLoader loader, Placeholder<TInt64> stepValue,
      Op stepAssign, Optional<Long> globalStep) {
    this.plan = plan;
    this.loader = loader;
    this.stepValue = stepValue;
    this.stepAssign = stepAssign;
    this.globalStep = globalStep;
  }

  /**
   * Plans the restore and adds its ops to the model's graph.
   *
   * @param configName where the model came from, for messages (the pipeline config's path)
   * @throws CheckpointException when a model variable is missing or has another shape or dtype
   */
  static ModelRestore plan(Detector model, CheckpointReader checkpoint, boolean useMovingAverages,
      String configName) {
    if (checkpoint.layout() == CheckpointLayout.TF2) {
      throw new CheckpointException(
          checkpoint.prefix() + " is a TF2 object-based checkpoint (model_main_tf2.py writes"
              + " those); export reads TF1 name-based checkpoints such as the model.ckpt-<step>"
              + " files finetune train writes. Pass a finetune model_dir or one of its checkpoints.");
    }
    String step = model.globalStep().op().name();
    List<RestorePlan.Variable> variables = new ArrayList<>();
    Map<String, String> selection = new LinkedHashMap<>();
    Map<String, Operand<?>> targets = new LinkedHashMap<>();
    for (ModelVariable v : model.variables()) {
      if (v.name().equals(step)) {
        continue; // the plan never restores global_step; copied below
      }
      variables.add(new RestorePlan.Variable(v.name(), v.shape(), v.dtypeName()));
      selection.put(v.name(), v.name());
      targets.put(v.name(), v.variable());
    }
    RestorePlan plan = RestorePlan.plan(checkpoint, "full", variables, selection,
        RestorePlan.Options.defaults().withMovingAverages(useMovingAverages));
    requireComplete(plan, configName);
    RestoreLoader loader = RestoreLoader.build(model.graph(), plan, targets);

    Optional<Long> globalStep = checkpoint.find(step)
        .filter(e -> e.shape().length == 0 && "int64".equals(RestorePlan.canonicalDtype(e.dtypeName())))
        .map(e -> checkpoint.readLongs(step)[0]);
    Ops tf = Ops.create(model.graph()).withSubScope("export_restore");
    Placeholder<TInt64> stepValue = tf.placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    Op stepAssign = tf.assign(model.globalStep(), stepValue);
    return new ModelRestore(plan, loader, stepValue, stepAssign, globalStep);
  }

  private static void requireComplete(RestorePlan plan, String configName) {
    List<Entry> missing = plan.entries().stream().filter(e -> !e.restored()).toList();
    if (missing.isEmpty()) {
      return;
    }
    Map<Decision, List<Entry>> byDecision = new LinkedHashMap<>();
    missing.forEach(e -> byDecision.computeIfAbsent(e.decision(), d -> new ArrayList<>()).add(e));
    List<String> parts = new ArrayList<>();
    byDecision.forEach((d, list) -> parts.add(list.size() + " " + d.words() + " (e.g. "
        + list.get(0).name() + ": " + list.get(0).reason() + ")"));
    throw new CheckpointException(
        "checkpoint " + plan.checkpointPrefix() + " does not match the model of " + configName
            + ": of " + plan.entries().size() + " model variables, " + String.join(", ", parts)
            + ". Export with the pipeline config the checkpoint was trained with (finetune train"
            + " writes it as model_dir/pipeline.config), or point --trained_checkpoint_dir at a"
            + " checkpoint of this model.");
  }

  /** Loads the values; run after the model's initializers. Returns the variables restored. */
  int load(Session session, CheckpointReader checkpoint) {
    int n = loader.load(session, checkpoint);
    if (globalStep.isPresent()) {
      try (TInt64 value = TInt64.scalarOf(globalStep.get())) {
        session.runner().feed(stepValue, value).addTarget(stepAssign).run().close();
      }
    }
    return n;
  }

  RestorePlan plan() {
    return plan;
  }

  /** The checkpoint's {@code global_step}, when it has one. */
  Optional<Long> globalStep() {
    return globalStep;
  }
}
