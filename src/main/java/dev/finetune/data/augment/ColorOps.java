package dev.finetune.data.augment;

/**
 * The colour adjustments of the Object Detection API on [H, W, 3] pixels in [0, 255]: each one
 * divides by 255, applies TensorFlow's op (adjust_brightness, AdjustContrastv2, AdjustHue,
 * AdjustSaturation, the API's grayscale weights) with TF's float32 arithmetic, multiplies by 255
 * and clips to [0, 255]. Every method returns a new array.
 */
public final class ColorOps {
  private ColorOps() {}

  private static float clip255(float v) {
    return v < 0f ? 0f : (v > 255f ? 255f : v);
  }

  /** {@code tf.image.adjust_brightness(image / 255, delta) * 255}, clipped. */
  public static float[] adjustBrightness(float[] pixels, float delta) {
    float[] out = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      out[i] = clip255((pixels[i] / 255f + delta) * 255f);
    }
    return out;
  }

  /** AdjustContrastv2 on image / 255: per channel (x - mean) * factor + mean, then * 255, clipped. */
  public static float[] adjustContrast(float[] pixels, float factor) {
    int n = pixels.length / 3;
    double[] sums = new double[3];
    for (int i = 0; i < pixels.length; i += 3) {
      sums[0] += pixels[i] / 255f;
      sums[1] += pixels[i + 1] / 255f;
      sums[2] += pixels[i + 2] / 255f;
    }
    float[] means = {(float) (sums[0] / n), (float) (sums[1] / n), (float) (sums[2] / n)};
    float[] out = new float[pixels.length];
    for (int i = 0; i < pixels.length; i += 3) {
      for (int c = 0; c < 3; c++) {
        out[i + c] = clip255(((pixels[i + c] / 255f - means[c]) * factor + means[c]) * 255f);
      }
    }
    return out;
  }

  /** AdjustHue on image / 255: hue += delta (a fraction of the colour circle, wrapping). */
  public static float[] adjustHue(float[] pixels, float delta) {
    float[] out = new float[pixels.length];
    float[] rgb = new float[3];
    for (int i = 0; i < pixels.length; i += 3) {
      float r = pixels[i] / 255f;
      float g = pixels[i + 1] / 255f;
      float b = pixels[i + 2] / 255f;
      // TF's kernel works on (hue in [0, 6), min, max), which keeps the value range exact.
      float vMax;
      float vMid;
      float vMin;
      int category;
      if (r < g) {
        if (b < r) {
          vMax = g; vMid = r; vMin = b; category = 1;
        } else if (b > g) {
          vMax = b; vMid = g; vMin = r; category = 3;
        } else {
          vMax = g; vMid = b; vMin = r; category = 2;
        }
      } else {
        if (b < g) {
          vMax = r; vMid = g; vMin = b; category = 0;
        } else if (b > r) {
          vMax = b; vMid = r; vMin = g; category = 4;
        } else {
          vMax = r; vMid = b; vMin = g; category = 5;
        }
      }
      float h;
      if (vMax == vMin) {
        h = 0;
      } else {
        float ratio = (vMid - vMin) / (vMax - vMin);
        h = category + ((category & 1) == 0 ? ratio : 1 - ratio);
      }
      h += delta * 6;
      while (h < 0) {
        h += 6;
      }
      while (h >= 6) {
        h -= 6;
      }
      hueRangeToRgb(h, vMin, vMax, rgb);
      out[i] = clip255(rgb[0] * 255f);
      out[i + 1] = clip255(rgb[1] * 255f);
      out[i + 2] = clip255(rgb[2] * 255f);
    }
    return out;
  }

  private static void hueRangeToRgb(float h, float vMin, float vMax, float[] rgb) {
    int category = (int) h;
    float ratio = h - category;
    if ((category & 1) != 0) {
      ratio = 1 - ratio;
    }
    float vMid = vMin + ratio * (vMax - vMin);
    switch (category) {
      case 0 -> set(rgb, vMax, vMid, vMin);
      case 1 -> set(rgb, vMid, vMax, vMin);
      case 2 -> set(rgb, vMin, vMax, vMid);
      case 3 -> set(rgb, vMin, vMid, vMax);
      case 4 -> set(rgb, vMid, vMin, vMax);
      default -> set(rgb, vMax, vMin, vMid);
    }
  }

  private static void set(float[] rgb, float r, float g, float b) {
    rgb[0] = r;
    rgb[1] = g;
    rgb[2] = b;
  }

  /** AdjustSaturation on image / 255: HSV, s = clip(s * factor, 0, 1), back to RGB. */
  public static float[] adjustSaturation(float[] pixels, float factor) {
    float[] out = new float[pixels.length];
    for (int i = 0; i < pixels.length; i += 3) {
      float r = pixels[i] / 255f;
      float g = pixels[i + 1] / 255f;
      float b = pixels[i + 2] / 255f;
      float v = Math.max(r, Math.max(g, b));
      float range = v - Math.min(r, Math.min(g, b));
      float s = v > 0 ? range / v : 0;
      float norm = 1.0f / (6.0f * range);
      float h;
      if (r == v) {
        h = norm * (g - b);
      } else if (g == v) {
        h = (float) (norm * (b - r) + 2.0 / 6.0);
      } else {
        h = (float) (norm * (r - g) + 4.0 / 6.0);
      }
      if (range <= 0.0f) {
        h = 0;
      }
      if (h < 0.0f) {
        h = h + 1;
      }
      s = Math.min(1.0f, Math.max(0.0f, s * factor));
      // hsv_to_rgb of TF's kernel.
      float c = s * v;
      float m = v - c;
      float dh = h * 6;
      int category = (int) dh;
      float fmodu = dh;
      while (fmodu <= 0) {
        fmodu += 2.0f;
      }
      while (fmodu >= 2.0f) {
        fmodu -= 2.0f;
      }
      float x = c * (1 - Math.abs(fmodu - 1));
      float rr;
      float gg;
      float bb;
      switch (category) {
        case 0 -> { rr = c; gg = x; bb = 0; }
        case 1 -> { rr = x; gg = c; bb = 0; }
        case 2 -> { rr = 0; gg = c; bb = x; }
        case 3 -> { rr = 0; gg = x; bb = c; }
        case 4 -> { rr = x; gg = 0; bb = c; }
        case 5 -> { rr = c; gg = 0; bb = x; }
        default -> { rr = 0; gg = 0; bb = 0; }
      }
      out[i] = clip255((rr + m) * 255f);
      out[i + 1] = clip255((gg + m) * 255f);
      out[i + 2] = clip255((bb + m) * 255f);
    }
    return out;
  }

  /**
   * The API's {@code _rgb_to_grayscale} (weights 0.2989, 0.5870, 0.1140) replicated to 3 channels,
   * on the values as they are (no rescaling, no clipping: the weights sum to 0.9999).
   */
  public static float[] toGray(float[] pixels) {
    float[] out = new float[pixels.length];
    for (int i = 0; i < pixels.length; i += 3) {
      float gray = pixels[i] * 0.2989f + pixels[i + 1] * 0.5870f + pixels[i + 2] * 0.1140f;
      out[i] = gray;
      out[i + 1] = gray;
      out[i + 2] = gray;
    }
    return out;
  }
}
