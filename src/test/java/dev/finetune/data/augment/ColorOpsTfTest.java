package dev.finetune.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The colour ops against TF's kernels, run as the API runs them: op(image / 255) * 255, clipped to
 * [0, 255]. Tolerance 1e-2 grey levels (float32 rounding of the /255, *255 round trip).
 */
class ColorOpsTfTest {
  private static final int H = 9;
  private static final int W = 11;

  private static float[] image() {
    float[] p = TfReference.randomImage(new Random(11), H, W);
    // Include greys, pure colours and ties, which take the kernels' special branches.
    float[][] specials = {{0, 0, 0}, {255, 255, 255}, {128, 128, 128}, {255, 0, 0}, {0, 255, 0},
        {0, 0, 255}, {200, 200, 10}, {10, 200, 200}, {200, 10, 200}, {50, 50, 100}};
    for (int i = 0; i < specials.length; i++) {
      System.arraycopy(specials[i], 0, p, i * 3, 3);
    }
    return p;
  }

  private static float[] tfOnUnitScale(float[] pixels,
      java.util.function.BiFunction<org.tensorflow.op.Ops,
          org.tensorflow.Operand<org.tensorflow.types.TFloat32>,
          org.tensorflow.Operand<org.tensorflow.types.TFloat32>> op) {
    return TfReference.run(pixels, new long[] {H, W, 3}, pixels.length, (tf, img) -> {
      var unit = tf.math.div(img, tf.constant(255f));
      var scaled = tf.math.mul(op.apply(tf, unit), tf.constant(255f));
      return tf.clipByValue(scaled, tf.constant(0f), tf.constant(255f));
    });
  }

  @ParameterizedTest
  @ValueSource(floats = {0.5f, 0.8f, 1.25f, 1.5f})
  void contrastMatchesAdjustContrastV2(float factor) {
    float[] img = image();
    float[] tf = tfOnUnitScale(img, (ops, x) -> ops.image.adjustContrast(x, ops.constant(factor)));
    assertThat(TfReference.maxAbsDiff(ColorOps.adjustContrast(img, factor), tf)).isLessThan(1e-2f);
  }

  @ParameterizedTest
  @ValueSource(floats = {-0.2f, -0.02f, 0.013f, 0.2f, 0.5f})
  void hueMatchesAdjustHue(float delta) {
    float[] img = image();
    float[] tf = tfOnUnitScale(img, (ops, x) -> ops.image.adjustHue(x, ops.constant(delta)));
    assertThat(TfReference.maxAbsDiff(ColorOps.adjustHue(img, delta), tf)).isLessThan(1e-2f);
  }

  @ParameterizedTest
  @ValueSource(floats = {0.0f, 0.5f, 0.8f, 1.25f, 1.5f, 3.0f})
  void saturationMatchesAdjustSaturation(float factor) {
    float[] img = image();
    float[] tf = tfOnUnitScale(img,
        (ops, x) -> ops.image.adjustSaturation(x, ops.constant(factor)));
    assertThat(TfReference.maxAbsDiff(ColorOps.adjustSaturation(img, factor), tf))
        .isLessThan(1e-2f);
  }

  @Test
  void saturationFactorOneIsTheRgbHsvRoundTrip() {
    float[] img = image();
    float[] tf = tfOnUnitScale(img, (ops, x) -> ops.image.hsvToRgb(ops.image.rgbToHsv(x)));
    assertThat(TfReference.maxAbsDiff(ColorOps.adjustSaturation(img, 1.0f), tf)).isLessThan(1e-2f);
  }

  @ParameterizedTest
  @ValueSource(floats = {-0.2f, 0.1f, 0.3f})
  void brightnessAddsOnTheUnitScaleAndClips(float delta) {
    float[] img = image();
    float[] tf = tfOnUnitScale(img, (ops, x) -> ops.math.add(x, ops.constant(delta)));
    float[] ours = ColorOps.adjustBrightness(img, delta);
    assertThat(TfReference.maxAbsDiff(ours, tf)).isLessThan(1e-2f);
    // By hand: 0 stays >= 0, 255 stays <= 255, a mid grey moves by 255 * delta.
    assertThat(ours[2 * 3]).isBetween(128 + 255 * delta - 1e-3f, 128 + 255 * delta + 1e-3f);
  }

  @Test
  void grayUsesTheApiWeights() {
    float[] gray = ColorOps.toGray(new float[] {100, 50, 200});
    float expected = 100 * 0.2989f + 50 * 0.5870f + 200 * 0.1140f;
    assertThat(gray).containsExactly(expected, expected, expected);
  }
}
