package dev.finetune.train;

import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.RestoreLoader;
import dev.finetune.checkpoint.RestorePlan;
import dev.finetune.checkpoint.RestoreReport;
import dev.finetune.model.CheckpointType;
import dev.finetune.model.Detector;
import dev.finetune.model.ModelVariable;
import dev.finetune.proto.TrainConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;

/**
 * Fine-tuning step 1, restore weights: the model's restore map for
 * {@code fine_tune_checkpoint_type} (the model decides what may restore), the plan against the
 * checkpoint's entries (what actually restores, and why not), the report, then the load. Built
 * before the session runs anything, so the restore ops are part of the complete graph.
 */
public final class FineTuneStart implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FineTuneStart.class);
  static final String CONSENT =
      "Pass --allow_empty_restore to train from the initializers anyway.";

  private final CheckpointReader checkpoint;
  private final RestorePlan plan;
  private final RestoreLoader loader;

  private FineTuneStart(CheckpointReader checkpoint, RestorePlan plan, RestoreLoader loader) {
    this.checkpoint = checkpoint;
    this.plan = plan;
    this.loader = loader;
  }

  /**
   * Plans the restore of {@code train_config.fine_tune_checkpoint} into {@code model}, reports the
   * plan (the API's log lines, the summary, and the JSON report when {@code reportFile} is given),
   * and adds the restore ops to the graph.
   *
   * @param allowEmpty when false, a checkpoint from which nothing restores is an error
   */
  public static FineTuneStart plan(
      Detector model, TrainConfig train, boolean allowEmpty, Path reportFile) {
    CheckpointReader reader = CheckpointReader.open(Path.of(train.getFineTuneCheckpoint()));
    try {
      RestorePlan plan = planFor(model, train, reader);
      report(plan, reportFile);
      if (plan.isEmpty()) {
        if (!allowEmpty) {
          plan.requireNotEmpty(CONSENT);
        }
        LOG.warn("{} (--allow_empty_restore: training from the initializers)", plan.whyEmpty());
      }
      Map<String, Operand<?>> targets = new LinkedHashMap<>();
      for (ModelVariable v : model.variables()) {
        targets.put(v.name(), v.variable());
      }
      Graph graph = model.graph();
      return new FineTuneStart(reader, plan, RestoreLoader.build(graph, plan, targets));
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** The plan alone (for --dry_run and validate_config): nothing is added to the graph. */
  public static RestorePlan planFor(Detector model, TrainConfig train, CheckpointReader reader) {
    CheckpointType type = CheckpointType.of(train.getFineTuneCheckpointType());
    Map<String, String> selection = new LinkedHashMap<>();
    model.restoreMap(type, train.getLoadAllDetectionCheckpointVars())
        .forEach((key, variable) -> selection.put(key, variable.name()));
    List<RestorePlan.Variable> variables =
        model.variables().stream()
            .map(v -> new RestorePlan.Variable(v.name(), v.shape(), v.dtypeName()))
            .toList();
    RestorePlan.Options options =
        RestorePlan.Options.defaults()
            // The API fine-tunes from the raw values (init_from_checkpoint), never the averages.
            .withMovingAverages(false)
            .withExpectedVersion(train.getFineTuneCheckpointVersion());
    return RestorePlan.plan(reader, type.configValue(), variables, selection, options);
  }

  public RestorePlan plan() {
    return plan;
  }

  /** Logs the API's per-variable lines and the grouped summary, and writes the JSON report. */
  private static void report(RestorePlan plan, Path reportFile) {
    RestoreReport report = RestoreReport.of(plan);
    report.skippedLines().forEach(LOG::info);
    plan.warnings().forEach(LOG::warn);
    LOG.info(report.summary());
    if (reportFile == null) {
      return;
    }
    try {
      java.nio.file.Files.createDirectories(reportFile.toAbsolutePath().getParent());
      report.writeJson(reportFile);
    } catch (java.io.IOException e) {
      LOG.warn("cannot write {}: {}", reportFile, e.getMessage());
    }
  }

  /** Loads the planned values; run after the initializers. */
  public int load(Session session) {
    return loader.load(session, checkpoint);
  }

  @Override
  public void close() {
    checkpoint.close();
  }
}
