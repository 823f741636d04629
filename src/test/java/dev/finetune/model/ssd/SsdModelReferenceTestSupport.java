package dev.finetune.model.ssd;

import dev.finetune.proto.DetectionModel;

/** Shared setup of the tests against the API's reference run. */
public final class SsdModelReferenceTestSupport {
  private SsdModelReferenceTestSupport() {}

  /** freeze_batchnorm: true and batch_norm { train: false }, as the API's bnfrozen run. */
  public static DetectionModel frozenBatchNorm(DetectionModel m) {
    DetectionModel.Builder b = m.toBuilder();
    b.getSsdBuilder().setFreezeBatchnorm(true);
    b.getSsdBuilder().getFeatureExtractorBuilder().getConvHyperparamsBuilder().getBatchNormBuilder()
        .setTrain(false);
    b.getSsdBuilder().getBoxPredictorBuilder().getConvolutionalBoxPredictorBuilder()
        .getConvHyperparamsBuilder().getBatchNormBuilder().setTrain(false);
    return b.build();
  }
}
