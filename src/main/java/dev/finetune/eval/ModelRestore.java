package dev.finetune.eval;

import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.RestoreLoader;
import dev.finetune.checkpoint.RestorePlan;
import dev.finetune.model.Detector;
import dev.finetune.model.ModelVariable;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Operand;
import org.tensorflow.Session;

/**
 * Restores a training checkpoint into an inference graph: every model variable (but global_step)
 * from the key of the same name, or, with {@code eval_config.use_moving_averages}, from its
 * {@code <name>/ExponentialMovingAverage} shadow where the checkpoint has one (variables without a
 * shadow, such as batch-norm statistics, keep their raw value, as TF1's {@code
 * variables_to_restore} does). Anything else missing or different is an error naming it: an
 * evaluation of half-restored weights would give meaningless numbers.
 *
 * <p>The restore ops are built once, for the first checkpoint, and reused for the next ones of the
 * run (their plans restore the same keys), so the graph does not grow with each evaluation.
 */
final class ModelRestore {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRestore.class);
  private static final int LISTED = 10;

  private final Detector model;
  private final boolean useMovingAverages;
  private RestoreLoader loader;
  private boolean saidMovingAverages;

  ModelRestore(Detector model, boolean useMovingAverages) {
    this.model = model;
    this.useMovingAverages = useMovingAverages;
  }

  /** Loads {@code prefix} into the model's variables; a {@link CheckpointException} when it does not match. */
  void load(Session session, Path prefix) {
    try (CheckpointReader reader = CheckpointReader.openPrefix(prefix)) {
      RestorePlan plan = plan(reader);
      if (loader == null || !loader.accepts(plan)) {
        Map<String, Operand<?>> targets = new LinkedHashMap<>();
        for (ModelVariable v : model.variables()) {
          targets.put(v.name(), v.variable());
        }
        loader = RestoreLoader.build(model.graph(), plan, targets);
        loader.load(session, reader);
      } else {
        loader.load(session, reader, plan);
      }
      reportMovingAverages(plan);
    }
  }

  /** The plan for {@code reader}, required to restore every model variable but global_step. */
  RestorePlan plan(CheckpointReader reader) {
    Map<String, String> selection = new LinkedHashMap<>();
    List<RestorePlan.Variable> variables =
        model.variables().stream()
            .map(v -> new RestorePlan.Variable(v.name(), v.shape(), v.dtypeName()))
            .toList();
    for (ModelVariable v : model.variables()) {
      if (!v.name().equals(RestorePlan.GLOBAL_STEP)) {
        selection.put(v.name(), v.name());
      }
    }
    RestorePlan plan = RestorePlan.plan(reader, "evaluation", variables, selection,
        RestorePlan.Options.defaults().withMovingAverages(useMovingAverages));
    List<RestorePlan.Entry> missing = plan.entries().stream()
        .filter(e -> !e.restored() && !e.name().equals(RestorePlan.GLOBAL_STEP))
        .toList();
    if (!missing.isEmpty()) {
      StringBuilder m = new StringBuilder()
          .append("checkpoint ").append(reader.prefix()).append(" does not match the model of the")
          .append(" pipeline config: ").append(missing.size()).append(" of ").append(selection.size())
          .append(" model variables cannot be restored:");
      missing.stream().limit(LISTED).forEach(e ->
          m.append("\n  ").append(e.name()).append(": ").append(e.decision().words())
              .append(" (").append(e.reason()).append(")"));
      if (missing.size() > LISTED) {
        m.append("\n  ... and ").append(missing.size() - LISTED).append(" more");
      }
      m.append("\nEvaluate it with the config it was trained with (its model_dir holds a copy,"
          + " pipeline.config).");
      throw new CheckpointException(m.toString());
    }
    return plan;
  }

  private void reportMovingAverages(RestorePlan plan) {
    if (!useMovingAverages || saidMovingAverages) {
      return;
    }
    saidMovingAverages = true;
    int averaged = plan.restoredFromMovingAverages();
    if (averaged == 0) {
      LOG.warn("eval_config.use_moving_averages is set, but {} has no ExponentialMovingAverage"
          + " values (was train_config.use_moving_average off?): evaluating the raw weights",
          plan.checkpointPrefix().getFileName());
    } else {
      LOG.info("Evaluating with moving averages (eval_config.use_moving_averages): {} of {}"
          + " variables from their ExponentialMovingAverage, the rest (batch-norm statistics) raw",
          averaged, plan.restoredCount());
    }
  }
}
