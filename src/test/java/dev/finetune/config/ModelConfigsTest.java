package dev.finetune.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.finetune.proto.DetectionModel;
import org.junit.jupiter.api.Test;

class ModelConfigsTest {
  private static DetectionModel model(String text) throws TextFormat.ParseException {
    return TextFormat.parse(text, DetectionModel.class);
  }

  @Test
  void answersForEveryArchitectureWithTheFields() throws TextFormat.ParseException {
    for (String arch : new String[] {"ssd", "faster_rcnn", "center_net"}) {
      DetectionModel m = model(arch + " { num_classes: 7 feature_extractor { type: '" + arch + "_x' }"
          + " image_resizer { fixed_shape_resizer { height: 320 width: 240 } } }");
      assertThat(ModelConfigs.architecture(m)).isEqualTo(arch);
      assertThat(ModelConfigs.numClasses(m)).isEqualTo(7);
      assertThat(ModelConfigs.featureExtractorType(m)).isEqualTo(arch + "_x");
      assertThat(ModelConfigs.imageResizer(m).getFixedShapeResizer().getWidth()).isEqualTo(240);
      assertThat(ModelConfigs.path(m, "image_resizer")).isEqualTo("model." + arch + ".image_resizer");
      assertThat(ModelConfigs.spatialImageSize(m)).containsExactly(320, 240);
      assertThat(ModelConfigs.fixedImageSize(m)).containsExactly(320, 240);
    }
  }

  @Test
  void modelsWithoutTheFieldsAreConfigErrorsNamingThem() throws TextFormat.ParseException {
    DetectionModel experimental = model("experimental_model { name: 'mine' }");
    assertThat(ModelConfigs.hasStandardFields(experimental)).isFalse();
    assertThatThrownBy(() -> ModelConfigs.numClasses(experimental))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.experimental_model has no num_classes");
    assertThatThrownBy(() -> ModelConfigs.imageResizer(DetectionModel.getDefaultInstance()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("model: empty");
  }

  @Test
  void imageSizeAsTheApiGetsIt() throws TextFormat.ParseException {
    DetectionModel padded = model("faster_rcnn { image_resizer { keep_aspect_ratio_resizer {"
        + " min_dimension: 600 max_dimension: 1024 pad_to_max_dimension: true } } }");
    assertThat(ModelConfigs.spatialImageSize(padded)).containsExactly(1024, 1024);
    DetectionModel free = model("faster_rcnn { image_resizer { keep_aspect_ratio_resizer {"
        + " min_dimension: 600 max_dimension: 1024 } } }");
    assertThat(ModelConfigs.spatialImageSize(free)).containsExactly(-1, -1);
    assertThatThrownBy(() -> ModelConfigs.fixedImageSize(free))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.faster_rcnn.image_resizer.keep_aspect_ratio_resizer: supported only"
            + " with pad_to_max_dimension");
    DetectionModel identity = model("center_net { image_resizer { identity_resizer { } } }");
    assertThat(ModelConfigs.spatialImageSize(identity)).containsExactly(-1, -1);
    assertThatThrownBy(() -> ModelConfigs.fixedImageSize(model("ssd { }")))
        .hasMessageContaining("model.ssd.image_resizer: not set");
  }
}
