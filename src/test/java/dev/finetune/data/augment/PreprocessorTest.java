package dev.finetune.data.augment;

import static dev.finetune.data.augment.TestExamples.coded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import dev.finetune.proto.TrainConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

  private static ExampleTransform build(String trainConfigText) throws Exception {
    TrainConfig.Builder b = TrainConfig.newBuilder();
    TextFormat.merge(trainConfigText, b);
    return Preprocessor.fromConfig(b.getDataAugmentationOptionsList());
  }

  private static final String SSD_STOCK = """
      data_augmentation_options { random_horizontal_flip { } }
      data_augmentation_options { ssd_random_crop { } }
      """;

  @Test
  void stockSsdStepsBuildAndRunInOrder() throws Exception {
    ExampleTransform t = build(SSD_STOCK);
    DetectionExample ex = coded(48, 64, 0.1f, 0.1f, 0.6f, 0.5f, 0.3f, 0.4f, 0.9f, 0.95f);
    for (int seed = 0; seed < 20; seed++) {
      DetectionExample out = t.apply(ex, new Random(seed));
      assertThat(out.pixels()).hasSize(out.height() * out.width() * 3);
      for (float v : out.boxes()) {
        assertThat(v).isBetween(0f, 1f);
      }
    }
  }

  @Test
  void sameSeedSameResultDifferentSeedDifferentResult() throws Exception {
    ExampleTransform t = build(SSD_STOCK + """
        data_augmentation_options { random_adjust_brightness { } }
        data_augmentation_options { random_adjust_contrast { } }
        data_augmentation_options { random_adjust_hue { } }
        data_augmentation_options { random_adjust_saturation { } }
        data_augmentation_options { random_jitter_boxes { } }
        """);
    DetectionExample ex = coded(32, 40, 0.1f, 0.1f, 0.6f, 0.5f);
    DetectionExample a = t.apply(ex, new Random(123));
    DetectionExample b = t.apply(ex, new Random(123));
    DetectionExample c = t.apply(ex, new Random(124));
    assertThat(b.pixels()).containsExactly(a.pixels());
    assertThat(b.boxes()).containsExactly(a.boxes());
    assertThat(java.util.Arrays.equals(a.pixels(), c.pixels())
        && java.util.Arrays.equals(a.boxes(), c.boxes())).isFalse();
  }

  @Test
  void everyRequiredStepBuilds() throws Exception {
    ExampleTransform t = build("""
        data_augmentation_options { random_vertical_flip { probability: 1.0 } }
        data_augmentation_options { random_rotation90 { } }
        data_augmentation_options { random_crop_image { min_object_covered: 0.0 } }
        data_augmentation_options { random_pad_image { pad_color: [1, 2, 3] } }
        data_augmentation_options { random_image_scale { min_scale_ratio: 0.5 max_scale_ratio: 1.0 } }
        data_augmentation_options { random_distort_color { color_ordering: 1 } }
        data_augmentation_options { random_rgb_to_gray { probability: 0.5 } }
        data_augmentation_options { random_absolute_pad_image { max_height_padding: 10 } }
        data_augmentation_options { random_pixel_value_scale { } }
        data_augmentation_options { random_jitter_boxes { jitter_mode: EXPAND_SYMMETRIC } }
        data_augmentation_options { ssd_random_crop { operations { min_object_covered: 0.5
            min_aspect_ratio: 0.5 max_aspect_ratio: 2 min_area: 0.1 max_area: 1
            overlap_thresh: 0.5 random_coef: 0.15 } } }
        data_augmentation_options { normalize_image { original_minval: 0 original_maxval: 255
            target_minval: -1 target_maxval: 1 } }
        """);
    DetectionExample out = t.apply(coded(30, 40, 0.2f, 0.2f, 0.8f, 0.8f), new Random(1));
    for (float v : out.pixels()) {
      assertThat(v).isBetween(-1f, 1f);
    }
  }

  @Test
  void unsupportedStepIsAConfigErrorNamingItsPlace() {
    assertThatThrownBy(() -> build(SSD_STOCK
        + "data_augmentation_options { random_jpeg_quality { } }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train_config.data_augmentation_options[2]")
        .hasMessageContaining("random_jpeg_quality")
        .hasMessageContaining("ssd_random_crop");
  }

  @Test
  void invalidValuesAreConfigErrors() {
    assertThatThrownBy(() -> build(
        "data_augmentation_options { ssd_random_crop { operations { min_object_covered: 0.5 } } }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("data_augmentation_options[0].ssd_random_crop.operations[0]");
    assertThatThrownBy(() -> build(
        "data_augmentation_options { random_pad_image { min_image_height: 10 } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("min_image_width");
    assertThatThrownBy(() -> build(
        "data_augmentation_options { random_pad_image { pad_color: [1, 2] } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pad_color");
    assertThatThrownBy(() -> build(
        "data_augmentation_options { random_distort_color { color_ordering: 2 } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("color_ordering");
    assertThatThrownBy(() -> build(
        "data_augmentation_options { normalize_image { target_maxval: 2 } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("original_minval");
    assertThatThrownBy(() -> build("data_augmentation_options { }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("empty");
  }
}
