package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Arrays;
import java.util.Random;

/**
 * random_crop_to_aspect_ratio: the largest crop of width/height = aspectRatio, at a random offset
 * (rows or columns removed); boxes keep IoA >= overlapThresh, move into the crop's frame and, if
 * clipBoxes, are clipped and those left with no area dropped (clip_to_window).
 */
public record RandomCropToAspectRatio(float aspectRatio, float overlapThresh, boolean clipBoxes)
    implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    int h = ex.height();
    int w = ex.width();
    float originalRatio = (float) w / (float) h;
    int th = originalRatio >= aspectRatio ? h : (int) Math.rint((float) w / aspectRatio);
    int tw = originalRatio <= aspectRatio ? w : (int) Math.rint((float) h * aspectRatio);
    int oy = rng.nextInt(h - th + 1);
    int ox = rng.nextInt(w - tw + 1);
    float[] pixels = ImageOps.crop(ex.pixels(), w, oy, ox, th, tw);
    float wy0 = (float) oy / (float) h;
    float wx0 = (float) ox / (float) w;
    float wy1 = (float) (oy + th) / (float) h;
    float wx1 = (float) (ox + tw) / (float) w;
    float yScale = 1.0f / (wy1 - wy0);
    float xScale = 1.0f / (wx1 - wx0);
    float[] boxes = ex.boxes();
    int n = ex.numBoxes();
    int[] kept = new int[n];
    float[] out = new float[n * 4];
    int count = 0;
    for (int i = 0; i < n; i++) {
      float ymin = boxes[i * 4];
      float xmin = boxes[i * 4 + 1];
      float ymax = boxes[i * 4 + 2];
      float xmax = boxes[i * 4 + 3];
      float ih = Math.max(0.0f, Math.min(ymax, wy1) - Math.max(ymin, wy0));
      float iw = Math.max(0.0f, Math.min(xmax, wx1) - Math.max(xmin, wx0));
      if (!((ih * iw) / ((ymax - ymin) * (xmax - xmin)) >= overlapThresh)) {
        continue;
      }
      float[] b = {yScale * (ymin - wy0), xScale * (xmin - wx0), yScale * (ymax - wy0),
          xScale * (xmax - wx0)};
      if (clipBoxes) {
        for (int k = 0; k < 4; k++) {
          b[k] = BoxWindow.clip01(b[k]);
        }
        if (!((b[2] - b[0]) * (b[3] - b[1]) > 0)) {
          continue;
        }
      }
      System.arraycopy(b, 0, out, count * 4, 4);
      kept[count++] = i;
    }
    return Examples.withImageAndKeptBoxes(ex, th, tw, pixels, Arrays.copyOf(out, count * 4),
        Arrays.copyOf(kept, count));
  }
}
