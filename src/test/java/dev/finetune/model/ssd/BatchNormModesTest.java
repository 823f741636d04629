package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ReferenceFixture;
import dev.finetune.proto.DetectionModel;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;

/**
 * Which batch norms train, as the API's slim arg_scope nesting decides: {@code freeze_batchnorm}
 * reaches the MobileNet body (27 batch norms) only; the config's {@code batch_norm.train} governs
 * the 8 extra SSD layers (and the body too when it overrides the base hyperparameters).
 */
class BatchNormModesTest {

  static int updates(DetectionModel m) {
    try (Graph g = new Graph()) {
      return ModelBuilder.build(m, g, 1, 0).updateOps().size();
    }
  }

  @Test
  void freezeFlagsReachTheLayersTheApiLetsThemReach() throws IOException {
    DetectionModel stock = ReferenceFixture.model();
    assertThat(updates(stock)).isEqualTo(2 * 35);

    DetectionModel.Builder frozen = stock.toBuilder();
    frozen.getSsdBuilder().setFreezeBatchnorm(true);
    assertThat(updates(frozen.build())).isEqualTo(2 * 8);

    DetectionModel.Builder noTrain = stock.toBuilder();
    noTrain.getSsdBuilder().getFeatureExtractorBuilder().getConvHyperparamsBuilder()
        .getBatchNormBuilder().setTrain(false);
    assertThat(updates(noTrain.build())).isEqualTo(2 * 27);

    noTrain.getSsdBuilder().getFeatureExtractorBuilder()
        .setOverrideBaseFeatureExtractorHyperparams(true);
    assertThat(updates(noTrain.build())).isZero();

    assertThat(updates(SsdModelReferenceTestSupport.frozenBatchNorm(stock))).isZero();
  }
}
