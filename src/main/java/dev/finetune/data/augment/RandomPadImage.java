package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_pad_image: places the image at a random offset of a larger canvas. Target size per axis is
 * uniform in [min, max) (min defaults to the image size, max to twice it, both at least the image
 * size); the offset is uniform in [0, target - size). Padding is {@code padColor}, or the image's
 * per-channel mean when null. Boxes keep pointing at the same pixels; none is dropped. Sizes are
 * in pixels, negative meaning unset ({@link #UNSET}).
 */
public record RandomPadImage(
    int minHeight, int minWidth, int maxHeight, int maxWidth, float[] padColor)
    implements ExampleTransform {

  public static final int UNSET = -1;

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    return pad(ex, minHeight, minWidth, maxHeight, maxWidth, padColor, rng);
  }

  static DetectionExample pad(
      DetectionExample ex, int minHeight, int minWidth, int maxHeight, int maxWidth,
      float[] padColor, Random rng) {
    int h = ex.height();
    int w = ex.width();
    int maxH = Math.max(maxHeight >= 0 ? maxHeight : 2 * h, h);
    int maxW = Math.max(maxWidth >= 0 ? maxWidth : 2 * w, w);
    int minH = Math.max(minHeight >= 0 ? minHeight : h, h);
    int minW = Math.max(minWidth >= 0 ? minWidth : w, w);
    int targetH = maxH > minH ? minH + rng.nextInt(maxH - minH) : maxH;
    int targetW = maxW > minW ? minW + rng.nextInt(maxW - minW) : maxW;
    int offsetY = targetH > h ? rng.nextInt(targetH - h) : 0;
    int offsetX = targetW > w ? rng.nextInt(targetW - w) : 0;
    float[] color = padColor != null ? padColor : ImageOps.channelMeans(ex.pixels());
    float[] pixels = ImageOps.pad(ex.pixels(), h, w, offsetY, offsetX, targetH, targetW, color);
    // change_coordinate_frame to the window [-oy, -ox, th - oy, tw - ox] / [h, w, h, w].
    float wy0 = (float) -offsetY / h;
    float wx0 = (float) -offsetX / w;
    float yScale = 1.0f / ((float) (targetH - offsetY) / h - wy0);
    float xScale = 1.0f / ((float) (targetW - offsetX) / w - wx0);
    float[] in = ex.boxes();
    float[] boxes = new float[in.length];
    for (int i = 0; i < in.length; i += 4) {
      boxes[i] = yScale * (in[i] - wy0);
      boxes[i + 1] = xScale * (in[i + 1] - wx0);
      boxes[i + 2] = yScale * (in[i + 2] - wy0);
      boxes[i + 3] = xScale * (in[i + 3] - wx0);
    }
    return Examples.withBoxes(Examples.withImage(ex, targetH, targetW, pixels), boxes);
  }
}
