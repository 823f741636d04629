package dev.finetune.data.augment;

import static dev.finetune.data.augment.TestExamples.coded;
import static dev.finetune.data.augment.TestExamples.fixedFloat;
import static dev.finetune.data.augment.TestExamples.pixel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.TextFormat;
import dev.finetune.data.DetectionExample;
import dev.finetune.proto.TrainConfig;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The steps beyond the list, checked by hand. */
class MoreStepsTest {

  @Test
  void cropToAspectRatioKeepsTheLargestCropOfThatRatio() {
    DetectionExample ex = coded(20, 40, 0.0f, 0.0f, 1.0f, 0.25f, 0.0f, 0.4f, 1.0f, 0.6f);
    DetectionExample out = new RandomCropToAspectRatio(1.0f, 0.3f, true).apply(ex, new Random(3));
    assertThat(new int[] {out.height(), out.width()}).containsExactly(20, 20);
    int x0 = (int) (pixel(out, 0, 0, 0) / 10);
    // The middle box (columns 16..24) is fully inside for any offset in [0, 20].
    int middle = java.util.Arrays.stream(out.classes()).boxed().toList().indexOf(2);
    assertThat(middle).isGreaterThanOrEqualTo(0);
    assertThat(out.boxes()[middle * 4 + 1] * 20).isCloseTo(16 - x0, within(1e-3f));
  }

  @Test
  void squareCropByScaleMapsBoxesToTheSquare() {
    DetectionExample ex = coded(40, 60, 0.25f, 0.25f, 0.5f, 0.5f);
    for (int seed = 0; seed < 20; seed++) {
      DetectionExample out = new RandomSquareCropByScale(128, 0.6f, 1.3f, 8)
          .apply(ex, new Random(seed));
      assertThat(out.height()).isEqualTo(out.width());
      assertThat(out.height()).isBetween(36, 78);
      if (out.numBoxes() == 1) {
        float[] b = out.boxes();
        // Box corners land on the right pixels: its top-left pixel (10, 15) where inside.
        int y = Math.round(b[0] * out.height());
        int x = Math.round(b[1] * out.width());
        if (b[0] > 0 && b[1] > 0 && y < out.height() && x < out.width()) {
          assertThat(pixel(out, y, x, 0)).isEqualTo(10 * 1000 + 15 * 10);
        }
      }
    }
  }

  @Test
  void scaleCropAndPadGivesTheOutputSquare() {
    DetectionExample ex = coded(30, 60, 0.0f, 0.0f, 1.0f, 1.0f);
    DetectionExample out = new RandomScaleCropAndPadToSquare(40, 0.5f, 0.5f)
        .apply(ex, new Random(1));
    // Scale 0.5: long side 20, so 10 x 20 content at the top-left of a 40 x 40 zero square.
    assertThat(new int[] {out.height(), out.width()}).containsExactly(40, 40);
    assertThat(out.boxes()).containsExactly(new float[] {0f, 0f, 0.25f, 0.5f}, within(1e-6f));
    assertThat(pixel(out, 39, 39, 0)).isZero();
  }

  @Test
  void padToAspectRatioPadsBottomRight() {
    DetectionExample ex = coded(10, 20, 0.0f, 0.0f, 1.0f, 1.0f);
    DetectionExample out = new RandomPadToAspectRatio(1.0f, new float[] {1, 1},
        new float[] {1, 1}).apply(ex, new Random(1));
    assertThat(new int[] {out.height(), out.width()}).containsExactly(20, 20);
    assertThat(out.boxes()).containsExactly(new float[] {0f, 0f, 0.5f, 1f}, within(1e-6f));
  }

  @Test
  void blackPatchesZeroSquaresOfTheGivenSize() {
    DetectionExample ex = coded(20, 30);
    DetectionExample out = new PixelSteps.RandomBlackPatches(1, 1.0f, 0.25f)
        .apply(ex, new Random(2));
    int zeros = 0;
    for (float v : out.pixels()) {
      zeros += v == 0f ? 1 : 0;
    }
    // A 5 x 5 patch (int(20 * 0.25)), 3 channels; pixel (0, 0, 0) is 0 already.
    assertThat(zeros).isBetween(75, 76);
    assertThat(new PixelSteps.RandomBlackPatches(3, 0.5f, 0.25f).apply(ex, fixedFloat(0.6f)))
        .isSameAs(ex);
  }

  @Test
  void labelStepsKeepFieldsAligned() {
    DetectionExample ex = coded(4, 4, 0, 0, 1, 1, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, 1, 1);
    DetectionExample remapped = new LabelSteps.RemapLabels(new int[] {1, 3}, 7).apply(ex, null);
    assertThat(remapped.classes()).containsExactly(7, 2, 7);
    DetectionExample dropped = new LabelSteps.DropLabelProbabilistically(2, 1.0f)
        .apply(ex, new Random(0));
    assertThat(dropped.classes()).containsExactly(1, 3);
    assertThat(dropped.weights()).containsExactly(0.5f, 2.5f);
    assertThat(dropped.boxes()).containsExactly(0, 0, 1, 1, 0.5f, 0.5f, 1, 1);
  }

  @Test
  void subtractMeanAndGamma() {
    DetectionExample ex = coded(1, 2);
    float[] out = new PixelSteps.SubtractChannelMean(new float[] {1, 2, 3}).apply(ex, null)
        .pixels();
    assertThat(out).containsExactly(-1, -1, -1, 9, 9, 9);
    DetectionExample grey = TestExamples.withBoxes(1, 1, new float[] {255, 63.75f, 0});
    assertThat(new PixelSteps.AdjustGamma(2.0f, 1.0f).apply(grey, null).pixels())
        .containsExactly(new float[] {255f, 15.9375f, 0f}, within(1e-3f));
  }

  @Test
  void selfConcatDuplicatesImageAndBoxes() {
    DetectionExample ex = coded(2, 3, 0.0f, 0.0f, 1.0f, 0.5f);
    DetectionExample out = new RandomSelfConcatImage(1.0f, 1.0f).apply(ex, new Random(1));
    assertThat(new int[] {out.height(), out.width()}).containsExactly(4, 6);
    assertThat(pixel(out, 3, 5, 0)).isEqualTo(pixel(ex, 1, 2, 0));
    assertThat(out.classes()).containsExactly(1, 1, 1, 1);
    assertThat(out.boxes()).containsExactly(
        0.0f, 0.0f, 0.5f, 0.25f,
        0.5f, 0.0f, 1.0f, 0.25f,
        0.0f, 0.5f, 0.5f, 0.75f,
        0.5f, 0.5f, 1.0f, 0.75f);
  }

  @Test
  void downscaleToTargetPixelsOnlyShrinksLargeImages() {
    DetectionExample ex = coded(100, 200);
    DetectionExample out = new RandomDownscaleToTargetPixels(0.0f, 5000, 5001)
        .apply(ex, new Random(1));
    assertThat(new int[] {out.height(), out.width()}).containsExactly(50, 100);
    assertThat(new RandomDownscaleToTargetPixels(0.0f, 30000, 30001).apply(ex, new Random(1)))
        .isSameAs(ex);
  }

  @Test
  void patchGaussianChangesOnlyTheSquareAroundTheCentre() {
    DetectionExample ex = coded(20, 20);
    // Patch side 5 (randint[5, 6)): at most 5 x 5 pixels change.
    DetectionExample out = new RandomPatchGaussian(0.0f, 5, 6, 0.5f, 0.5f)
        .apply(ex, new Random(4));
    int changedPixels = 0;
    int minY = 99;
    int maxY = -1;
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 20; x++) {
        if (Math.abs(pixel(out, y, x, 0) - pixel(ex, y, x, 0)) > 1e-2f) {
          changedPixels++;
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
        }
      }
    }
    assertThat(changedPixels).isBetween(1, 25);
    assertThat(maxY - minY).isLessThanOrEqualTo(4);
  }

  @Test
  void everyImplementedStepBuildsFromConfigAndRuns() throws Exception {
    TrainConfig.Builder b = TrainConfig.newBuilder();
    TextFormat.merge("""
        data_augmentation_options { random_crop_pad_image { min_object_covered: 0.0 } }
        data_augmentation_options { ssd_random_crop_pad { } }
        data_augmentation_options { ssd_random_crop_fixed_aspect_ratio { } }
        data_augmentation_options { ssd_random_crop_pad_fixed_aspect_ratio { } }
        data_augmentation_options { random_crop_to_aspect_ratio { aspect_ratio: 1.5 } }
        data_augmentation_options { random_black_patches { } }
        data_augmentation_options { random_square_crop_by_scale { } }
        data_augmentation_options { random_scale_crop_and_pad_to_square { output_size: 64 } }
        data_augmentation_options { resize_image { new_height: 50 new_width: 40 method: BICUBIC } }
        data_augmentation_options { subtract_channel_mean { means: [1, 2, 3] } }
        data_augmentation_options { remap_labels { original_labels: 1 new_label: 2 } }
        data_augmentation_options { drop_label_probabilistically { label: 2 drop_probability: 0.5 } }
        data_augmentation_options { adjust_gamma { gamma: 1.1 } }
        data_augmentation_options { random_self_concat_image { } }
        data_augmentation_options { random_patch_gaussian { } }
        data_augmentation_options { random_resize_method { target_height: 33 target_width: 22 } }
        data_augmentation_options { random_downscale_to_target_pixels { min_target_pixels: 100 } }
        """, b);
    var t = Preprocessor.fromConfig(b.getDataAugmentationOptionsList());
    for (int seed = 0; seed < 10; seed++) {
      DetectionExample out = t.apply(coded(60, 80, 0.1f, 0.1f, 0.7f, 0.6f), new Random(seed));
      assertThat(out.height() * out.width()).isBetween(1, 2 * 50 * 2 * 40);
    }
  }
}
