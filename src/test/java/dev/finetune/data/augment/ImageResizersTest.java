package dev.finetune.data.augment;

import static dev.finetune.data.augment.TestExamples.coded;
import static dev.finetune.data.augment.TestExamples.pixel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import dev.finetune.proto.ImageResizer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageResizersTest {

  private static ExampleTransform build(String text) throws Exception {
    ImageResizer.Builder b = ImageResizer.newBuilder();
    TextFormat.merge(text, b);
    return ImageResizers.fromConfig(b.build(), "model.ssd.image_resizer");
  }

  @Test
  void fixedShapeResizesWithTheLegacyKernelAndKeepsBoxes() throws Exception {
    DetectionExample ex = coded(6, 8, 0.1f, 0.2f, 0.3f, 0.4f);
    DetectionExample out = build("fixed_shape_resizer { height: 3 width: 4 }")
        .apply(ex, new Random(0));
    assertThat(out.height()).isEqualTo(3);
    assertThat(out.width()).isEqualTo(4);
    // Asymmetric scale 2: output (1, 1) samples input (2, 2) exactly.
    assertThat(pixel(out, 1, 1, 0)).isEqualTo(pixel(ex, 2, 2, 0));
    assertThat(out.boxes()).containsExactly(ex.boxes());
  }

  @Test
  void keepAspectRatioScalesTheShortSideOrCapsTheLongSide() throws Exception {
    ExampleTransform t = build(
        "keep_aspect_ratio_resizer { min_dimension: 60 max_dimension: 100 }");
    // 30 x 40: short side 30 -> 60 gives 60 x 80 (long side 80 <= 100).
    DetectionExample a = t.apply(coded(30, 40), new Random(0));
    assertThat(new int[] {a.height(), a.width()}).containsExactly(60, 80);
    // 20 x 50: short side -> 60 would make 150 > 100, so long side -> 100: 40 x 100.
    DetectionExample b = t.apply(coded(20, 50), new Random(0));
    assertThat(new int[] {b.height(), b.width()}).containsExactly(40, 100);
    // Portrait 50 x 20: 100 x 40.
    DetectionExample c = t.apply(coded(50, 20), new Random(0));
    assertThat(new int[] {c.height(), c.width()}).containsExactly(100, 40);
  }

  @Test
  void padToMaxDimensionPadsBottomRightAndRescalesBoxes() throws Exception {
    ExampleTransform t = build("keep_aspect_ratio_resizer { min_dimension: 60 "
        + "max_dimension: 100 pad_to_max_dimension: true per_channel_pad_value: [7, 8, 9] }");
    // 20 x 50 -> 40 x 100 content, padded to 100 x 100; a box over the whole image now covers
    // rows [0, 0.4) of the padded frame.
    DetectionExample out = t.apply(coded(20, 50, 0.0f, 0.0f, 1.0f, 1.0f, 0.5f, 0.2f, 0.75f, 0.6f),
        new Random(0));
    assertThat(new int[] {out.height(), out.width()}).containsExactly(100, 100);
    assertThat(out.boxes()).containsExactly(new float[] {
        0.0f, 0.0f, 0.4f, 1.0f,
        0.2f, 0.2f, 0.3f, 0.6f}, within(1e-6f));
    assertThat(new float[] {pixel(out, 99, 0, 0), pixel(out, 99, 0, 1), pixel(out, 99, 0, 2)})
        .containsExactly(7, 8, 9);
    assertThat(pixel(out, 39, 99, 0)).isNotEqualTo(7f);
  }

  @Test
  void unsupportedOptionsAreConfigErrors() {
    assertThatThrownBy(() -> build("fixed_shape_resizer { convert_to_grayscale: true }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.ssd.image_resizer.fixed_shape_resizer.convert_to_grayscale");
    assertThatThrownBy(() -> build("fixed_shape_resizer { height: 0 }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("height");
    assertThatThrownBy(() -> build(
        "keep_aspect_ratio_resizer { min_dimension: 600 max_dimension: 500 }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("min_dimension");
    assertThatThrownBy(() -> build(""))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no resizer");
  }
}
