package dev.finetune.train;

import dev.finetune.data.DetectionBatch;
import dev.finetune.data.pipeline.PipelinePosition;
import java.util.Map;

/**
 * What one training step produced.
 *
 * @param step the global step after this update (the first step of a fresh run gives 1)
 * @param losses the step's losses by their API names ({@code Loss/total_loss}, ...), computed
 *     before the update as TensorFlow does in one run
 * @param learningRate the rate the update used
 * @param seconds wall time of the step, waiting for input included
 * @param inputPosition where the input stream stands after this step's batch (exact resume)
 * @param batch the step's input (hooks may draw it; do not keep it)
 */
public record StepResult(
    long step,
    Map<String, Float> losses,
    float learningRate,
    double seconds,
    PipelinePosition inputPosition,
    DetectionBatch batch) {

  public float totalLoss() {
    return losses.get(TrainGraph.TOTAL_LOSS);
  }
}
