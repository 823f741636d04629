package dev.finetune.model.ssd;

import dev.finetune.data.DetectionBatch;
import dev.finetune.model.BuildMode;
import dev.finetune.model.CheckpointType;
import dev.finetune.model.Detector;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.SlimLayers;
import dev.finetune.model.VariableStore;
import dev.finetune.model.backbone.FeatureExtractor;
import dev.finetune.model.core.Anchors;
import dev.finetune.model.core.FasterRcnnBoxCoder;
import dev.finetune.model.core.PostProcessor;
import dev.finetune.model.core.SsdLoss;
import dev.finetune.model.core.SsdTargetAssigner;
import dev.finetune.model.core.SsdTargetInputs;
import dev.finetune.model.core.SsdTargets;
import dev.finetune.util.GraphOps;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The API's {@code SSDMetaArch} as one graph: placeholders for [0,255] images and the targets,
 * normalization, a training-mode forward pass with the four losses, an inference-mode forward pass
 * (the same variables) with post-processing. When batch norm is frozen everywhere and dropout is
 * off both modes compute the same thing, and one forward pass serves both.
 */
public final class SsdModel implements Detector {

  /** Everything the SSD model is made of, from {@code model.ssd}. */
  public record Spec(
      int numClasses,
      int imageHeight,
      int imageWidth,
      FeatureExtractor featureExtractor,
      BoxPredictor boxPredictor,
      AnchorGenerator anchorGenerator,
      FasterRcnnBoxCoder boxCoder,
      Function<Anchors, SsdTargetAssigner> targetAssigner,
      SsdLoss.Settings loss,
      PostProcessor.Settings postProcessing,
      boolean freezeBatchnorm) {}

  private final Graph graph;
  private final Spec spec;
  private final int batchSize;
  private final VariableStore store;
  private final Operand<TFloat32> images;
  private final Operand<TFloat32> preprocessed;
  private final SsdNetwork.Forward trainForward;
  private final SsdNetwork.Forward inferForward;
  private final List<Op> updateOps;
  private final Anchors anchors;
  private final SsdTargetInputs targetInputs;
  private final SsdTargetAssigner assigner;
  private final Map<String, Operand<TFloat32>> losses = new LinkedHashMap<>();
  private final Map<String, Operand<TFloat32>> detections = new LinkedHashMap<>();
  private final Variable<TInt64> globalStep;
  private final BuildMode mode;

  /** A training graph: {@link #SsdModel(Graph, Spec, int, long, BuildMode)} with TRAIN. */
  public SsdModel(Graph graph, Spec spec, int batchSize, long seed) {
    this(graph, spec, batchSize, seed, BuildMode.TRAIN);
  }

  /**
   * Builds the model into {@code graph} (which should be empty: op names are the API's).
   *
   * @param seed seeds the initializers and dropout
   * @param mode TRAIN adds the target placeholders and the losses; INFERENCE builds only the
   *     inference forward pass and the detections
   */
  public SsdModel(Graph graph, Spec spec, int batchSize, long seed, BuildMode mode) {
    this(graph, spec, batchSize, seed, mode, null);
  }

  /**
   * As {@link #SsdModel(Graph, Spec, int, long, BuildMode)}, the images read from {@code
   * imageSource} ([B,H,W,3] float [0,255], e.g. an exporter's decoded and resized input) unless
   * {@code image_tensor} is fed; null: {@code image_tensor} is a plain placeholder.
   */
  public SsdModel(
      Graph graph, Spec spec, int batchSize, long seed, BuildMode mode, Operand<TFloat32> imageSource) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    this.graph = graph;
    this.spec = spec;
    this.batchSize = batchSize;
    this.mode = mode;
    Ops tf = GraphOps.create(graph);
    ModelScopes scopes = new ModelScopes(tf);
    store = new VariableStore(scopes, seed);
    globalStep = store.globalStep();

    Shape imageShape = Shape.of(batchSize, spec.imageHeight(), spec.imageWidth(), 3);
    images =
        imageSource == null
            ? tf.withName("image_tensor").placeholder(TFloat32.class, Placeholder.shape(imageShape))
            : tf.withName("image_tensor").placeholderWithDefault(imageSource, imageShape);
    preprocessed =
        tf.withName("preprocessed_inputs")
            .identity(spec.featureExtractor().preprocess(scopes.at("Preprocessor"), images));

    SsdNetwork network =
        new SsdNetwork(
            spec.featureExtractor(), spec.boxPredictor(),
            spec.anchorGenerator().numAnchorsPerLocation(), spec.freezeBatchnorm());
    if (mode == BuildMode.TRAIN) {
      SlimLayers trainLayers = new SlimLayers(store, scopes, seed);
      trainForward = network.forward(trainLayers, preprocessed, true);
      updateOps = List.copyOf(trainLayers.updateOps());
      boolean sameInBothModes =
          updateOps.isEmpty() && !spec.boxPredictor().trainingDiffersFromInference();
      if (sameInBothModes) {
        inferForward = trainForward;
      } else {
        // A second branch over the same variables, its ops under fresh scopes.
        SlimLayers inferLayers =
            new SlimLayers(store, new ModelScopes(tf.withSubScope("Inference")), seed);
        inferForward = network.forward(inferLayers, preprocessed, false);
      }
    } else {
      inferForward = network.forward(new SlimLayers(store, scopes, seed), preprocessed, false);
      trainForward = null;
      updateOps = List.of();
    }

    int[][] shapes = new int[inferForward.featureMaps().size()][];
    for (int i = 0; i < shapes.length; i++) {
      Shape s = inferForward.featureMaps().get(i).shape();
      shapes[i] = new int[] {(int) s.get(1), (int) s.get(2)};
    }
    anchors = spec.anchorGenerator().generate(shapes, spec.imageHeight(), spec.imageWidth());
    if (mode == BuildMode.TRAIN) {
      assigner = spec.targetAssigner().apply(anchors);
      targetInputs = SsdTargetInputs.create(tf, batchSize, anchors.count(), spec.numClasses() + 1);
      buildLosses(tf);
    } else {
      assigner = null;
      targetInputs = null;
    }

    PostProcessor.Detections d =
        new PostProcessor(spec.postProcessing(), anchors, spec.boxCoder())
            .build(
                tf, inferForward.boxEncodings(), inferForward.classPredictionsWithBackground(),
                null);
    detections.put("detection_boxes", d.boxes());
    detections.put("detection_scores", d.scores());
    detections.put("detection_classes", d.classes());
    detections.put("num_detections", d.numDetections());
    detections.put("raw_detection_boxes", d.rawBoxes());
    detections.put("raw_detection_scores", d.rawScores());
  }

  private void buildLosses(Ops tf) {
    SsdLoss.Outputs out =
        new SsdLoss(spec.loss(), anchors, spec.boxCoder())
            .build(
                tf, trainForward.boxEncodings(), trainForward.classPredictionsWithBackground(),
                targetInputs);
    List<Operand<TFloat32>> reg = store.regularizationLosses();
    Operand<TFloat32> regularization =
        reg.isEmpty() ? tf.constant(0f) : tf.math.addN(new ArrayList<>(reg));
    regularization = named("Loss/regularization_loss", regularization);
    Operand<TFloat32> total =
        named(
            "Loss/total_loss",
            tf.math.addN(List.of(out.localization(), out.classification(), regularization)));
    losses.put("Loss/localization_loss", out.localization());
    losses.put("Loss/classification_loss", out.classification());
    losses.put("Loss/regularization_loss", regularization);
    losses.put("Loss/total_loss", total);
  }

  /** An Identity with a full name ("Loss/total_loss"): scope "Loss" is opened by the loss code. */
  private Operand<TFloat32> named(String fullName, Operand<TFloat32> x) {
    return graph
        .opBuilder("Identity", fullName, graph.baseScope())
        .addInput(x.asOutput())
        .setAttr("T", x.asOutput().dataType())
        .build()
        .<TFloat32>output(0);
  }

  public Spec spec() {
    return spec;
  }

  public Anchors anchors() {
    return anchors;
  }

  /** The [0,255] image placeholder {@code image_tensor} [B,H,W,3] (with a default: see the constructor). */
  public Operand<TFloat32> images() {
    return images;
  }

  /**
   * The normalized images ([-1,1]); feed this tensor instead of {@link #images()} to bypass the
   * normalization (inputs already preprocessed elsewhere).
   */
  public Operand<TFloat32> preprocessedInputs() {
    return preprocessed;
  }

  /** The training-mode forward pass; a training graph only. */
  public SsdNetwork.Forward trainingForward() {
    requireTraining("the training forward pass");
    return trainForward;
  }

  public SsdNetwork.Forward inferenceForward() {
    return inferForward;
  }

  public SsdTargetInputs targetInputs() {
    requireTraining("target placeholders");
    return targetInputs;
  }

  /** The Java-side target assignment of a batch (what {@link #feed} feeds). */
  public SsdTargets targets(DetectionBatch batch) {
    requireTraining("target assignment");
    return assigner.assign(batch);
  }

  private void requireTraining(String what) {
    if (mode != BuildMode.TRAIN) {
      throw new IllegalStateException(what + " exists only in a training graph; this one is " + mode);
    }
  }

  @Override
  public BuildMode mode() {
    return mode;
  }

  @Override
  public Map<String, ModelVariable> restoreMap(CheckpointType type, boolean loadAll) {
    String extractorScope = FeatureExtractor.EXTRACT_FEATURES_SCOPE;
    Map<String, ModelVariable> map = new LinkedHashMap<>();
    for (ModelVariable v : store.variables()) {
      if (v.name().equals(VariableStore.GLOBAL_STEP)) {
        continue;
      }
      switch (type) {
          // ssd_meta_arch.restore_map: names as they are, the feature extractor unless load_all.
        case DETECTION -> {
          if (loadAll || v.name().startsWith(extractorScope)) {
            map.put(v.name(), v);
          }
        }
          // SSDFeatureExtractor.restore_from_classification_checkpoint_fn: strip the scope.
        case CLASSIFICATION -> {
          if (v.name().startsWith(extractorScope + "/")) {
            map.put(v.name().substring(extractorScope.length() + 1), v);
          }
        }
        case FULL -> map.put(v.name(), v);
      }
    }
    return map;
  }

  @Override
  public Graph graph() {
    return graph;
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public int imageHeight() {
    return spec.imageHeight();
  }

  @Override
  public int imageWidth() {
    return spec.imageWidth();
  }

  @Override
  public List<ModelVariable> variables() {
    return store.variables();
  }

  @Override
  public List<ModelVariable> trainableVariables() {
    return store.trainableVariables();
  }

  @Override
  public List<Op> updateOps() {
    return updateOps;
  }

  @Override
  public List<Op> initializers() {
    List<Op> ops = new ArrayList<>();
    for (ModelVariable v : store.variables()) {
      ops.add(v.initializer());
    }
    return ops;
  }

  @Override
  public Variable<TInt64> globalStep() {
    return globalStep;
  }

  @Override
  public Map<String, Operand<TFloat32>> losses() {
    return Collections.unmodifiableMap(losses);
  }

  @Override
  public Operand<TFloat32> totalLoss() {
    requireTraining("Loss/total_loss");
    return losses.get("Loss/total_loss");
  }

  @Override
  public Map<String, Operand<TFloat32>> detections() {
    return Collections.unmodifiableMap(detections);
  }

  @Override
  public Operand<TFloat32> imageInput() {
    return images;
  }

  @Override
  public Feed feed(DetectionBatch batch) {
    requireTraining("a feed with targets");
    TFloat32 imageTensor = imageTensor(batch);
    SsdTargetInputs.Feed targetFeed = targetInputs.tensorsFor(assigner.assign(batch));
    return new Feed() {
      @Override
      public Session.Runner into(Session.Runner runner) {
        return targetFeed.feedInto(runner.feed(images, imageTensor));
      }

      @Override
      public void close() {
        imageTensor.close();
        targetFeed.close();
      }
    };
  }

  @Override
  public Feed imagesFeed(DetectionBatch batch) {
    TFloat32 imageTensor = imageTensor(batch);
    return new Feed() {
      @Override
      public Session.Runner into(Session.Runner runner) {
        return runner.feed(images, imageTensor);
      }

      @Override
      public void close() {
        imageTensor.close();
      }
    };
  }

  private TFloat32 imageTensor(DetectionBatch batch) {
    if (batch.batchSize() != batchSize
        || batch.height() != spec.imageHeight()
        || batch.width() != spec.imageWidth()) {
      throw new IllegalArgumentException(
          "batch of " + batch.batchSize() + " images " + batch.height() + "x" + batch.width()
              + " does not fit the model's " + batchSize + " images " + spec.imageHeight() + "x"
              + spec.imageWidth());
    }
    return TFloat32.tensorOf(
        Shape.of(batchSize, spec.imageHeight(), spec.imageWidth(), 3),
        DataBuffers.of(batch.images(), true, false));
  }
}
