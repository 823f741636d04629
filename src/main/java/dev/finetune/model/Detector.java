package dev.finetune.model;


import dev.finetune.data.DetectionBatch;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A detection model built once into one {@link Graph}: what the trainer, the evaluator and the
 * exporter need from it. Losses come from the training-mode forward pass, detections from the
 * inference-mode one; both read the same variables.
 */
public interface Detector {

  Graph graph();

  /** Training graphs have targets and losses; inference graphs only detections. */
  BuildMode mode();

  /** Images per batch (static: the placeholders and the loss are built for it). */
  int batchSize();

  int imageHeight();

  int imageWidth();

  /** Every variable of the model, TF1 names, creation order (includes {@code global_step}). */
  List<ModelVariable> variables();

  /** The variables gradients should reach (before any freeze/update filter of the trainer). */
  List<ModelVariable> trainableVariables();

  /**
   * Batch-norm moving-average updates of the training forward pass (the API's UPDATE_OPS): run
   * them in the same {@code Session.run} as the training step. Empty when batch norm is frozen.
   */
  List<Op> updateOps();

  /**
   * Checkpoint key → the model variable it restores, as the API's
   * {@code restore_map(fine_tune_checkpoint_type, load_all_detection_checkpoint_vars)}: the model
   * knows its scopes; deciding what actually loads (present, same shape and dtype) is the restore
   * plan's job. Never contains {@code global_step}.
   */
  Map<String, ModelVariable> restoreMap(CheckpointType type, boolean loadAllDetectionCheckpointVars);

  /** Assigns every variable its initial value. */
  List<Op> initializers();

  Variable<TInt64> globalStep();

  /**
   * The training losses by their API names (empty in an inference graph), in this order: {@code Loss/localization_loss},
   * {@code Loss/classification_loss}, {@code Loss/regularization_loss}, {@code Loss/total_loss}.
   */
  Map<String, Operand<TFloat32>> losses();

  /** {@code Loss/total_loss}; an inference graph has none ({@link IllegalStateException}). */
  Operand<TFloat32> totalLoss();

  /**
   * The inference outputs by name: {@code detection_boxes} [B,T,4] normalized [ymin,xmin,ymax,xmax],
   * {@code detection_scores} [B,T], {@code detection_classes} [B,T] label-map ids (from 1),
   * {@code num_detections} [B]; before NMS: {@code raw_detection_boxes} [B,A,4] decoded,
   * {@code raw_detection_scores} [B,A,C+1] converted, background column first.
   */
  Map<String, Operand<TFloat32>> detections();

  /**
   * The tensors of one batch for the placeholders (images and training targets); close after the
   * run. Training graphs only.
   */
  Feed feed(DetectionBatch batch);

  /** The batch's images alone, for the detections: no target assignment. Any mode. */
  Feed imagesFeed(DetectionBatch batch);

  /**
   * The [0,255] float image placeholder [B,H,W,3] the feeds fill; built with an image source
   * (ModelBuilder), it reads that source when not fed.
   */
  Operand<TFloat32> imageInput();

  /** Tensors fed for one run. */
  interface Feed extends AutoCloseable {
    Session.Runner into(Session.Runner runner);

    @Override
    void close();
  }
}
