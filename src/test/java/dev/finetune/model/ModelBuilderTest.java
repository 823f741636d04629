package dev.finetune.model;

import dev.finetune.model.builder.ModelBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.model.ssd.SsdOverfitTestConfig;
import dev.finetune.proto.DetectionModel;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;

/** Config errors of the model builder: one message naming the field, the value and what works. */
class ModelBuilderTest {

  static DetectionModel parse(String text) throws Exception {
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(text, b);
    return b.build();
  }

  static void build(DetectionModel m) {
    try (Graph g = new Graph()) {
      ModelBuilder.build(m, g, 1, 0);
    }
  }

  @Test
  void otherMetaArchitecturesAreNotSupportedYet() throws Exception {
    assertThatThrownBy(() -> build(parse("faster_rcnn { num_classes: 3 }")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.faster_rcnn is not supported yet")
        .hasMessageContaining("ssd with feature_extractor.type ssd_mobilenet_v1");
    assertThatThrownBy(() -> build(parse("center_net { num_classes: 3 }")))
        .hasMessageContaining("model.center_net is not supported yet");
    assertThatThrownBy(() -> build(DetectionModel.getDefaultInstance()))
        .hasMessageContaining("model: empty");
  }

  @Test
  void badSsdValuesNameTheirField() throws Exception {
    DetectionModel tiny = parse(SsdOverfitTestConfig.CONFIG);
    assertThatThrownBy(() -> build(tiny.toBuilder().setSsd(tiny.getSsd().toBuilder().setNumClasses(0)).build()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.ssd.num_classes: 0 must be at least 1");
    DetectionModel.Builder neg = tiny.toBuilder();
    neg.getSsdBuilder().getFeatureExtractorBuilder().setDepthMultiplier(-1f);
    assertThatThrownBy(() -> build(neg.build()))
        .hasMessageContaining("model.ssd.feature_extractor.depth_multiplier: -1.0 must be greater than 0");
    DetectionModel.Builder type = tiny.toBuilder();
    type.getSsdBuilder().getFeatureExtractorBuilder().setType("ssd_inception_v2");
    assertThatThrownBy(() -> build(type.build()))
        .hasMessageContaining("model.ssd.feature_extractor.type: 'ssd_inception_v2' is not supported yet;"
            + " supported: ssd_mobilenet_v1, ssd_mobilenet_v1_fpn,")
        .hasMessageContaining("ssd_mobilenet_v2, ssd_mobilenet_v2_keras, ssd_resnet101_v1_fpn");
    DetectionModel.Builder small = tiny.toBuilder();
    small.getSsdBuilder().getImageResizerBuilder().getFixedShapeResizerBuilder().setHeight(32);
    assertThatThrownBy(() -> build(small.build()))
        .hasMessageContaining("at least 33");
    DetectionModel.Builder fc = tiny.toBuilder();
    fc.getSsdBuilder().getFeatureExtractorBuilder().getConvHyperparamsBuilder()
        .setOp(dev.finetune.proto.Hyperparams.Op.FC);
    assertThatThrownBy(() -> build(fc.build()))
        .hasMessageContaining("model.ssd.feature_extractor.conv_hyperparams.op: FC");
  }
}
