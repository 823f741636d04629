package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * The API's steps that change pixel values only (colour, normalization, patches); boxes never
 * change. Random parameters are drawn as TF's random_uniform (u ~ U[min, max)) per image.
 */
public final class PixelSteps {
  private PixelSteps() {}

  static float uniform(Random rng, float min, float max) {
    return min + rng.nextFloat() * (max - min);
  }

  /** random_adjust_brightness: delta ~ U[-maxDelta, maxDelta) on the [0, 1] scale. */
  public record RandomAdjustBrightness(float maxDelta) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      float delta = uniform(rng, -maxDelta, maxDelta);
      return Examples.withImage(ex, ex.height(), ex.width(),
          ColorOps.adjustBrightness(ex.pixels(), delta));
    }
  }

  /** random_adjust_contrast: factor ~ U[minDelta, maxDelta). */
  public record RandomAdjustContrast(float minDelta, float maxDelta) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      float factor = uniform(rng, minDelta, maxDelta);
      return Examples.withImage(ex, ex.height(), ex.width(),
          ColorOps.adjustContrast(ex.pixels(), factor));
    }
  }

  /** random_adjust_hue: delta ~ U[-maxDelta, maxDelta) of the colour circle. */
  public record RandomAdjustHue(float maxDelta) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      float delta = uniform(rng, -maxDelta, maxDelta);
      return Examples.withImage(ex, ex.height(), ex.width(),
          ColorOps.adjustHue(ex.pixels(), delta));
    }
  }

  /** random_adjust_saturation: factor ~ U[minDelta, maxDelta). */
  public record RandomAdjustSaturation(float minDelta, float maxDelta)
      implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      float factor = uniform(rng, minDelta, maxDelta);
      return Examples.withImage(ex, ex.height(), ex.width(),
          ColorOps.adjustSaturation(ex.pixels(), factor));
    }
  }

  /**
   * random_distort_color: brightness (max_delta 32/255) first, then for ordering 0 saturation
   * [0.5, 1.5), hue (0.2), contrast [0.5, 1.5); for ordering 1 contrast, saturation, hue.
   */
  public record RandomDistortColor(int colorOrdering) implements ExampleTransform {
    public RandomDistortColor {
      if (colorOrdering != 0 && colorOrdering != 1) {
        throw new IllegalArgumentException("color_ordering must be 0 or 1, got " + colorOrdering);
      }
    }

    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      ExampleTransform brightness = new RandomAdjustBrightness(32.0f / 255.0f);
      ExampleTransform saturation = new RandomAdjustSaturation(0.5f, 1.5f);
      ExampleTransform hue = new RandomAdjustHue(0.2f);
      ExampleTransform contrast = new RandomAdjustContrast(0.5f, 1.5f);
      ExampleTransform chain = colorOrdering == 0
          ? brightness.andThen(saturation).andThen(hue).andThen(contrast)
          : brightness.andThen(contrast).andThen(saturation).andThen(hue);
      return chain.apply(ex, rng);
    }
  }

  /** random_rgb_to_gray: grey (replicated to 3 channels) iff u <= probability. */
  public record RandomRgbToGray(float probability) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      if (rng.nextFloat() > probability) {
        return ex;
      }
      return Examples.withImage(ex, ex.height(), ex.width(), ColorOps.toGray(ex.pixels()));
    }
  }

  /**
   * random_pixel_value_scale: every value times its own factor ~ U[minval, maxval), clipped to
   * [0, 255].
   */
  public record RandomPixelValueScale(float minval, float maxval) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      float[] in = ex.pixels();
      float[] out = new float[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = Math.min(255f, Math.max(0f, in[i] * uniform(rng, minval, maxval)));
      }
      return Examples.withImage(ex, ex.height(), ex.width(), out);
    }
  }

  /**
   * normalize_image: maps [originalMin, originalMax] linearly to [targetMin, targetMax], no
   * clipping.
   */
  public record NormalizeImage(
      float originalMinval, float originalMaxval, float targetMinval, float targetMaxval)
      implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      // The API computes the factor in Python (double) and applies it in float32.
      float factor = (float) (((double) targetMaxval - targetMinval)
          / ((double) originalMaxval - originalMinval));
      float[] in = ex.pixels();
      float[] out = new float[in.length];
      for (int i = 0; i < in.length; i++) {
        out[i] = (in[i] - originalMinval) * factor + targetMinval;
      }
      return Examples.withImage(ex, ex.height(), ex.width(), out);
    }
  }

  /** subtract_channel_mean: image - means (one value per channel). */
  public record SubtractChannelMean(float[] means) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      float[] in = ex.pixels();
      float[] out = new float[in.length];
      for (int i = 0; i < in.length; i += 3) {
        out[i] = in[i] - means[0];
        out[i + 1] = in[i + 1] - means[1];
        out[i + 2] = in[i + 2] - means[2];
      }
      return Examples.withImage(ex, ex.height(), ex.width(), out);
    }
  }

  /** adjust_gamma: {@code gain * (image / 255) ^ gamma * 255}, clipped to [0, 255]. */
  public record AdjustGamma(float gamma, float gain) implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      float[] in = ex.pixels();
      float[] out = new float[in.length];
      for (int i = 0; i < in.length; i++) {
        float v = gain * (float) Math.pow(in[i] / 255f, gamma) * 255f;
        out[i] = v < 0f ? 0f : (v > 255f ? 255f : v);
      }
      return Examples.withImage(ex, ex.height(), ex.width(), out);
    }
  }

  /**
   * random_black_patches: maxBlackPatches tries; each, with probability (u <= probability), zeroes
   * a square of side int(min(H, W) * sizeToImageRatio) whose top-left corner is
   * (int(uy * H), int(ux * W)) with uy, ux ~ U[0, 1 - sizeToImageRatio).
   */
  public record RandomBlackPatches(int maxBlackPatches, float probability, float sizeToImageRatio)
      implements ExampleTransform {
    @Override
    public DetectionExample apply(DetectionExample ex, Random rng) {
      int h = ex.height();
      int w = ex.width();
      float[] out = null;
      for (int k = 0; k < maxBlackPatches; k++) {
        if (rng.nextFloat() > probability) {
          continue;
        }
        int side = (int) (Math.min((float) h, (float) w) * sizeToImageRatio);
        int y0 = (int) (uniform(rng, 0f, 1.0f - sizeToImageRatio) * h);
        int x0 = (int) (uniform(rng, 0f, 1.0f - sizeToImageRatio) * w);
        if (out == null) {
          out = ex.pixels().clone();
        }
        for (int y = y0; y < Math.min(h, y0 + side); y++) {
          int from = (y * w + x0) * 3;
          int to = (y * w + Math.min(w, x0 + side)) * 3;
          java.util.Arrays.fill(out, from, Math.max(from, to), 0f);
        }
      }
      return out == null ? ex : Examples.withImage(ex, h, w, out);
    }
  }
}
