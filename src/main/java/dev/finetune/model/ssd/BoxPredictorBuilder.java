package dev.finetune.model.ssd;

import dev.finetune.config.ConfigException;
import dev.finetune.model.HyperparamsBuilder;
import dev.finetune.proto.BoxPredictor;

/** {@code model.ssd.box_predictor} → {@link ConvolutionalBoxPredictor}. */
public final class BoxPredictorBuilder {
  private static final String AT = "model.ssd.box_predictor";

  private BoxPredictorBuilder() {}

  public static ConvolutionalBoxPredictor build(BoxPredictor config, int numClasses) {
    return switch (config.getBoxPredictorOneofCase()) {
      case CONVOLUTIONAL_BOX_PREDICTOR -> {
        var c = config.getConvolutionalBoxPredictor();
        String at = AT + ".convolutional_box_predictor";
        if (!c.hasConvHyperparams()) {
          throw new ConfigException(at + ".conv_hyperparams: required, missing");
        }
        yield new ConvolutionalBoxPredictor(
            new ConvolutionalBoxPredictor.Config(
                HyperparamsBuilder.build(c.getConvHyperparams(), at + ".conv_hyperparams"),
                c.getMinDepth(),
                c.getMaxDepth(),
                c.getNumLayersBeforePredictor(),
                c.getUseDropout(),
                c.getDropoutKeepProbability(),
                c.getKernelSize(),
                c.getBoxCodeSize(),
                c.getApplySigmoidToScores(),
                c.getClassPredictionBiasInit(),
                c.getUseDepthwise(),
                c.hasBoxEncodingsClipRange()
                    ? new ConvolutionalBoxPredictor.BoxEncodingsClip(
                        c.getBoxEncodingsClipRange().getMin(), c.getBoxEncodingsClipRange().getMax())
                    : null),
            numClasses);
      }
      case BOXPREDICTORONEOF_NOT_SET -> throw new ConfigException(
          AT + ": not set; supported: convolutional_box_predictor");
      default -> throw new ConfigException(
          AT + "." + config.getBoxPredictorOneofCase().name().toLowerCase()
              + " is not supported yet; supported: convolutional_box_predictor");
    };
  }
}
