package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_jitter_boxes (boxes only, nothing dropped): about the box centre, each edge sits at
 * size * (1 + u) / 2 (so it moves by at most ratio * size / 2, as the API's current code does),
 * then all coordinates are clipped to [0, 1]. Modes
 * draw u from [-ratio, ratio) (DEFAULT, 4 independent edges), [0, ratio) (EXPAND*) or [-ratio, 0)
 * (SHRINK*); the symmetric modes draw one factor per axis (one for both axes in the _XY modes)
 * limited so the box stays inside the image.
 */
public record RandomJitterBoxes(float ratio, Mode mode) implements ExampleTransform {
  /** The proto's JitterMode values. */
  public enum Mode {
    DEFAULT, EXPAND, SHRINK, EXPAND_SYMMETRIC, SHRINK_SYMMETRIC, EXPAND_SYMMETRIC_XY,
    SHRINK_SYMMETRIC_XY
  }

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    float min;
    float max;
    switch (mode) {
      case SHRINK, SHRINK_SYMMETRIC, SHRINK_SYMMETRIC_XY -> { min = -ratio; max = 0; }
      case EXPAND, EXPAND_SYMMETRIC, EXPAND_SYMMETRIC_XY -> { min = 0; max = ratio; }
      default -> { min = -ratio; max = ratio; }
    }
    boolean symmetric = mode != Mode.DEFAULT && mode != Mode.EXPAND && mode != Mode.SHRINK;
    boolean sameForBothAxes = mode == Mode.EXPAND_SYMMETRIC_XY || mode == Mode.SHRINK_SYMMETRIC_XY;
    float[] in = ex.boxes();
    float[] out = new float[in.length];
    for (int i = 0; i < in.length; i += 4) {
      float rawH = in[i + 2] - in[i];
      float rawW = in[i + 3] - in[i + 1];
      float yc = in[i] + rawH / 2.0f;
      float xc = in[i + 1] + rawW / 2.0f;
      float h = Math.max(Math.abs(rawH), 1e-6f);
      float w = Math.max(Math.abs(rawW), 1e-6f);
      if (symmetric) {
        float hd = 1.0f + uniform(rng, min, max);
        float wd = 1.0f + uniform(rng, min, max);
        float maxHd = Math.abs(Math.min(2.0f * yc / h, 2.0f * (1 - yc) / h));
        float maxWd = Math.abs(Math.min(2.0f * xc / w, 2.0f * (1 - xc) / w));
        if (sameForBothAxes) {
          wd = hd;
          maxHd = maxWd = Math.min(maxWd, maxHd);
        }
        hd = Math.min(maxHd, Math.max(-maxHd, hd));
        wd = Math.min(maxWd, Math.max(-maxWd, wd));
        out[i] = yc - h * hd / 2.0f;
        out[i + 1] = xc - w * wd / 2.0f;
        out[i + 2] = yc + h * hd / 2.0f;
        out[i + 3] = xc + w * wd / 2.0f;
      } else {
        float d0 = 1.0f + uniform(rng, min, max);
        float d1 = 1.0f + uniform(rng, min, max);
        float d2 = 1.0f + uniform(rng, min, max);
        float d3 = 1.0f + uniform(rng, min, max);
        out[i] = yc - h * d0 / 2.0f;
        out[i + 1] = xc - w * d1 / 2.0f;
        out[i + 2] = yc + h * d2 / 2.0f;
        out[i + 3] = xc + w * d3 / 2.0f;
      }
      for (int k = 0; k < 4; k++) {
        out[i + k] = Math.min(1.0f, Math.max(0.0f, out[i + k]));
      }
    }
    return Examples.withBoxes(ex, out);
  }

  private static float uniform(Random rng, float min, float max) {
    return min + rng.nextFloat() * (max - min);
  }
}
