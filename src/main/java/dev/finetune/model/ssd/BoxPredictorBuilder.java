package dev.finetune.model.ssd;

import dev.finetune.config.ConfigException;
import dev.finetune.model.HyperparamsBuilder;

/**
 * {@code model.ssd.box_predictor} → {@link ConvolutionalBoxPredictor} or {@link
 * WeightSharedConvolutionalBoxPredictor}.
 */
public final class BoxPredictorBuilder {
  private static final String AT = "model.ssd.box_predictor";

  private static final String SUPPORTED =
      "convolutional_box_predictor, weight_shared_convolutional_box_predictor";

  private BoxPredictorBuilder() {}

  private static WeightSharedConvolutionalBoxPredictor weightShared(
      dev.finetune.proto.WeightSharedConvolutionalBoxPredictor c, int numClasses) {
    String at = WeightSharedConvolutionalBoxPredictor.AT;
    if (!c.hasConvHyperparams()) {
      throw new ConfigException(at + ".conv_hyperparams: required, missing");
    }
    return new WeightSharedConvolutionalBoxPredictor(
        new WeightSharedConvolutionalBoxPredictor.Config(
            HyperparamsBuilder.build(c.getConvHyperparams(), at + ".conv_hyperparams"),
            c.getDepth(),
            c.getNumLayersBeforePredictor(),
            c.getKernelSize(),
            c.getBoxCodeSize(),
            c.getClassPredictionBiasInit(),
            c.getUseDropout(),
            c.getDropoutKeepProbability(),
            c.getSharePredictionTower(),
            c.getUseDepthwise(),
            c.getScoreConverter()
                == dev.finetune.proto.WeightSharedConvolutionalBoxPredictor.ScoreConverter.SIGMOID,
            c.hasBoxEncodingsClipRange()
                ? new ConvolutionalBoxPredictor.BoxEncodingsClip(
                    c.getBoxEncodingsClipRange().getMin(), c.getBoxEncodingsClipRange().getMax())
                : null),
        numClasses);
  }

  public static BoxPredictor build(dev.finetune.proto.BoxPredictor config, int numClasses) {
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
      case WEIGHT_SHARED_CONVOLUTIONAL_BOX_PREDICTOR -> weightShared(
          config.getWeightSharedConvolutionalBoxPredictor(), numClasses);
      case BOXPREDICTORONEOF_NOT_SET -> throw new ConfigException(
          AT + ": not set; supported: " + SUPPORTED);
      default -> throw new ConfigException(
          AT + "." + config.getBoxPredictorOneofCase().name().toLowerCase()
              + " is not supported yet; supported: " + SUPPORTED);
    };
  }
}
