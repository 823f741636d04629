package dev.finetune.config;

import dev.finetune.proto.TrainEvalPipelineConfig;
import java.util.List;

/**
 * {@code graph_rewriter}: the API's TF1 quantization-aware training (contrib.quantize inserts
 * fake-quantization ops into the training graph after {@code delay} steps) is not done here. The
 * float model trains as the config describes otherwise, so the user is told once, when the config
 * is read, rather than refused.
 */
final class GraphRewriterNotice {
  private GraphRewriterNotice() {}

  static void warn(TrainEvalPipelineConfig config, List<String> warnings) {
    if (!config.hasGraphRewriter()) {
      return;
    }
    if (config.getGraphRewriter().hasQuantization()) {
      var q = config.getGraphRewriter().getQuantization();
      warnings.add(
          "graph_rewriter.quantization is ignored: finetune trains the float model (no"
              + " fake-quantization ops, delay " + q.getDelay() + ", " + q.getWeightBits()
              + "-bit weights, " + q.getActivationBits() + "-bit activations); its checkpoints hold"
              + " the same float variables. For an 8-bit model, quantize after training (TFLite"
              + " post-training quantization), or run the API's own quantization-aware training"
              + " from these checkpoints.");
    } else {
      warnings.add("graph_rewriter is ignored: finetune applies no graph rewrite; the float model trains.");
    }
  }
}
