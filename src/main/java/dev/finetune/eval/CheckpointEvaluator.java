package dev.finetune.eval;

import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.checkpoint.CheckpointManager;
import dev.finetune.config.ModelConfigs;
import dev.finetune.data.DataException;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.pipeline.InputPipeline;
import dev.finetune.data.pipeline.InputReaders;
import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.proto.EvalConfig;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Evaluates checkpoints of one pipeline config: the inference graph is built once (batch
 * {@code eval_config.batch_size}); each {@link #evaluate} restores a checkpoint's model variables,
 * runs every eval image through the graph, gives each image's ground truth and detections to the
 * evaluators of {@code eval_config.metrics_set}, and writes and logs the metrics ({@link
 * EvalOutputs}). Not thread-safe: one evaluation at a time.
 */
public final class CheckpointEvaluator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointEvaluator.class);

  private final TrainEvalPipelineConfig config;
  private final EvalSettings settings;
  private final EvalConfig evalConfig;
  private final List<Category> categories;
  private final List<DetectionEvaluator> evaluators;
  private final Graph graph;
  private final Detector model;
  private final Session session;
  private final ModelRestore restore;
  private final EvalOutputs outputs;

  public CheckpointEvaluator(TrainEvalPipelineConfig config, EvalSettings settings) {
    this.config = config;
    this.settings = settings;
    this.evalConfig = config.getEvalConfig();
    InputReader reader = settings.onTrainingData()
        ? config.getTrainInputReader()
        : config.getEvalInputReaderCount() > 0 ? config.getEvalInputReader(0) : null;
    this.categories = categories(reader, ModelConfigs.numClasses(config.getModel()));
    warnIgnored(evalConfig);
    this.evaluators = EvaluatorFactory.build(evalConfig, categories);
    int batch = Math.max(1, evalConfig.getBatchSize());
    this.graph = new Graph();
    try {
      this.model = ModelBuilder.build(config.getModel(), graph, batch, 0, BuildMode.INFERENCE);
      this.session = new Session(graph, sessionConfig(settings));
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
    this.restore = new ModelRestore(model, evalConfig.getUseMovingAverages());
    this.outputs = new EvalOutputs(settings.modelDir());
  }

  /** eval_config fields a user may set that this evaluator does not act on: said once, not ignored silently. */
  private static void warnIgnored(EvalConfig c) {
    Map<String, Boolean> ignored = new LinkedHashMap<>();
    ignored.put("visualization_export_dir (the side-by-side images go to TensorBoard under model_dir/eval)",
        !c.getVisualizationExportDir().isEmpty());
    ignored.put("export_path (detections are written to model_dir/eval/detections-<step>.json)",
        !c.getExportPath().isEmpty());
    ignored.put("ignore_groundtruth", c.getIgnoreGroundtruth());
    ignored.put("eval_instance_masks (masks are not predicted)", c.getEvalInstanceMasks());
    ignored.put("force_no_resize (the model's image_resizer is always applied)", c.getForceNoResize());
    ignored.put("parameterized_metric (only metrics_set is read)", c.getParameterizedMetricCount() > 0);
    ignored.put("eval_interval_secs / num_examples / max_evals (deprecated TF1 fields; use"
        + " --eval_timeout and --sample_1_of_n_eval_examples)",
        c.hasEvalIntervalSecs() || c.hasNumExamples() || c.hasMaxEvals());
    ignored.forEach((field, set) -> {
      if (set) {
        LOG.warn("eval_config.{} is set but ignored", field);
      }
    });
  }

  /** The label map's categories, or ids 1..num_classes named by their number when there is none. */
  static List<Category> categories(InputReader reader, int numClasses) {
    LabelMap labelMap = reader == null ? null : InputReaders.labelMap(reader);
    if (labelMap != null) {
      return Category.fromLabelMap(labelMap);
    }
    List<Category> out = new ArrayList<>();
    for (int id = 1; id <= numClasses; id++) {
      out.add(new Category(id, Integer.toString(id)));
    }
    return out;
  }

  /** Evaluates the checkpoint {@code prefix} (named {@code model.ckpt-<step>}). */
  public EvalResult evaluate(Path prefix) {
    return evaluate(prefix, stepOf(prefix));
  }

  /** Evaluates the checkpoint {@code prefix} as the one of {@code step}; writes and logs the results. */
  public EvalResult evaluate(Path prefix, long step) {
    long started = System.nanoTime();
    restore.load(session, prefix);
    EvalPass pass = run(step);
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (DetectionEvaluator e : evaluators) {
      metrics.putAll(e.evaluate());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    LOG.info("Evaluated {} on {} images in {} s", prefix.getFileName(), pass.images().size(),
        String.format(java.util.Locale.ROOT, "%.1f", seconds));
    EvalResult result = new EvalResult(step, prefix, metrics, pass.images());
    outputs.write(result, pass.coco(), pass.visualizations());
    return result;
  }

  private record EvalPass(List<EvalImage> images, CocoDataset coco, List<SideBySide.Image> visualizations) {}

  /** Every eval image through the graph, into the evaluators. */
  private EvalPass run(long step) {
    evaluators.forEach(DetectionEvaluator::clear);
    CocoDataset coco = new CocoDataset(categories);
    List<EvalImage> images = new ArrayList<>();
    SideBySide drawings = new SideBySide(evalConfig, categories);
    Map<String, org.tensorflow.Operand<TFloat32>> outputs = model.detections();
    try (InputPipeline input = InputReaders.forEvaluation(config, 0, settings.onTrainingData(),
            settings.sampleOneOfN(), model.batchSize(), settings.inputThreads()).open()) {
      for (DetectionBatch batch = input.next(); batch != null; batch = input.next()) {
        int real = batch.batchSize();
        DetectionBatch full = padded(batch, model.batchSize());
        try (Detector.Feed feed = model.imagesFeed(full);
            Result r = feed.into(session.runner())
                .fetch(outputs.get("detection_boxes"))
                .fetch(outputs.get("detection_scores"))
                .fetch(outputs.get("detection_classes"))
                .fetch(outputs.get("num_detections"))
                .run()) {
          DetectionRows rows = DetectionRows.of(r);
          for (int i = 0; i < real; i++) {
            EvalImage image = new EvalImage(batch.sourceIds()[i], batch.originalWidths()[i],
                batch.originalHeights()[i], groundTruth(batch, i), rows.image(i));
            evaluators.forEach(e -> e.add(image));
            coco.add(image);
            images.add(image);
            drawings.offer(batch, i, image);
          }
        }
      }
    }
    if (images.isEmpty()) {
      String reader = settings.onTrainingData() ? "train_input_reader" : "eval_input_reader[0]";
      throw new DataException("the evaluation input (" + reader + ") has no records"
          + (settings.sampleOneOfN() > 1 ? " left after sampling 1 of every " + settings.sampleOneOfN() : "")
          + ": check its tf_record_input_reader.input_path files");
    }
    return new EvalPass(images, coco, drawings.images());
  }

  static EvalImage.GroundTruth groundTruth(DetectionBatch batch, int i) {
    int n = batch.numBoxes()[i];
    int base = i * batch.maxBoxes();
    float[][] boxes = new float[n][];
    int[] classes = new int[n];
    boolean[] crowd = new boolean[n];
    boolean[] difficult = new boolean[n];
    for (int k = 0; k < n; k++) {
      int row = base + k;
      boxes[k] = java.util.Arrays.copyOfRange(batch.boxes(), row * 4, row * 4 + 4);
      classes[k] = batch.classes()[row];
      crowd[k] = batch.isCrowd()[row];
      difficult[k] = batch.difficult()[row];
    }
    return new EvalImage.GroundTruth(boxes, classes, crowd, difficult);
  }

  /** The last partial batch filled up with blank images: the graph's batch size is static. */
  static DetectionBatch padded(DetectionBatch b, int size) {
    if (b.batchSize() == size) {
      return b;
    }
    float[] images = java.util.Arrays.copyOf(b.images(), size * b.height() * b.width() * 3);
    String[] ids = java.util.Arrays.copyOf(b.sourceIds(), size);
    java.util.Arrays.fill(ids, b.batchSize(), size, "");
    return new DetectionBatch(size, b.height(), b.width(), b.maxBoxes(), images,
        new float[size * b.maxBoxes() * 4], new int[size * b.maxBoxes()], new float[size * b.maxBoxes()],
        new int[size], ids);
  }

  /** The step of a checkpoint named {@code <anything>-<step>}, as TF1 checkpoints are. */
  public static long stepOf(Path prefix) {
    return CheckpointManager.stepOf(prefix).orElseThrow(() -> new CheckpointException(
        "cannot tell the step of checkpoint " + prefix
            + ": evaluation expects a name ending in -<step>, such as model.ckpt-1200"));
  }

  public Detector model() {
    return model;
  }

  public List<Category> categories() {
    return categories;
  }

  private static ConfigProto sessionConfig(EvalSettings s) {
    return ConfigProto.newBuilder()
        .setIntraOpParallelismThreads(s.intraOpThreads())
        .setInterOpParallelismThreads(s.interOpThreads())
        .setAllowSoftPlacement(true)
        .build();
  }

  @Override
  public void close() {
    outputs.close();
    session.close();
    graph.close();
  }
}
