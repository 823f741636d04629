package dev.finetune.model.ssd;

import dev.finetune.model.SlimLayers;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * An SSD box predictor (the API's {@code BoxPredictor}): from the feature maps to box encodings
 * and class logits for every anchor. One implementation per {@code box_predictor} oneof case,
 * chosen by {@link BoxPredictorBuilder}.
 */
public interface BoxPredictor {

  /** Raw predictions, concatenated over the feature maps: [B, A, code] and [B, A, K+1]. */
  record Predictions(Operand<TFloat32> boxEncodings, Operand<TFloat32> classPredictions) {}

  /** Numbers per box encoding ({@code box_code_size}). */
  int boxCodeSize();

  /**
   * Whether a training-mode pass computes something other than an inference-mode pass even with
   * every batch norm frozen (dropout, a score converter applied at inference only).
   */
  boolean trainingDiffersFromInference();

  /**
   * @param anchorsPerLocation boxes predicted at each location of each map
   * @param training is_training
   */
  Predictions predict(
      SlimLayers layers, List<Operand<TFloat32>> featureMaps, int[] anchorsPerLocation,
      boolean training);
}
