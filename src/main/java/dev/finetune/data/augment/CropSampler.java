package dev.finetune.data.augment;

import java.util.Random;

/**
 * {@code tf.image.sample_distorted_bounding_box} as the TF kernel computes it (integer pixel
 * rectangles, the same rounding and retry rules), drawing from a {@link Random} instead of Philox:
 * the distribution and the accept/reject rules are TF's, the exact numbers cannot be.
 */
public final class CropSampler {
  /** The API passes max_attempts = 100. */
  public static final int MAX_ATTEMPTS = 100;

  private CropSampler() {}

  /** A crop in pixels: rows [y, y + height), columns [x, x + width). */
  public record Window(int y, int x, int height, int width) {}

  /**
   * Samples a crop window of an image with the given normalized boxes ([n * 4], already clipped to
   * [0, 1]); the whole image when no window satisfies the constraints in {@code MAX_ATTEMPTS}.
   */
  public static Window sample(
      int height, int width, float[] boxes, float minObjectCovered, float minAspectRatio,
      float maxAspectRatio, float minArea, float maxArea, Random rng) {
    int n = boxes.length / 4;
    int[] rects;
    if (n == 0) {
      // use_image_if_no_bounding_boxes: the whole image is the object to cover.
      rects = new int[] {0, 0, height, width};
    } else {
      rects = new int[n * 4];
      for (int i = 0; i < n; i++) {
        rects[i * 4] = (int) (boxes[i * 4] * height);
        rects[i * 4 + 1] = (int) (boxes[i * 4 + 1] * width);
        rects[i * 4 + 2] = (int) (boxes[i * 4 + 2] * height);
        rects[i * 4 + 3] = (int) (boxes[i * 4 + 3] * width);
      }
    }
    int[] crop = new int[4];
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      float aspectRatio = rng.nextFloat() * (maxAspectRatio - minAspectRatio) + minAspectRatio;
      if (generateCrop(width, height, minArea, maxArea, aspectRatio, rng, crop)
          && covers(crop, minObjectCovered, rects)) {
        return new Window(crop[0], crop[1], crop[2] - crop[0], crop[3] - crop[1]);
      }
    }
    return new Window(0, 0, height, width);
  }

  /** TF's GenerateRandomCrop; crop = {ymin, xmin, ymax, xmax}. */
  static boolean generateCrop(
      int originalWidth, int originalHeight, float minRelativeArea, float maxRelativeArea,
      float aspectRatio, Random rng, int[] crop) {
    if (maxRelativeArea <= 0.0f || aspectRatio <= 0.0f || originalWidth <= 0
        || originalHeight <= 0 || minRelativeArea > maxRelativeArea) {
      return false;
    }
    float minArea = minRelativeArea * originalWidth * originalHeight;
    float maxArea = maxRelativeArea * originalWidth * originalHeight;
    int height = lrint((float) Math.sqrt(minArea / aspectRatio));
    int maxHeight = lrint((float) Math.sqrt(maxArea / aspectRatio));
    if (lrint(maxHeight * aspectRatio) > originalWidth) {
      // The smallest max_height with round(max_height * aspect_ratio) <= original_width.
      final float eps = 0.0000001f;
      maxHeight = (int) ((originalWidth + 0.5 - eps) / aspectRatio);
      if (lrint(maxHeight * aspectRatio) > originalWidth) {
        maxHeight -= 1;
      }
    }
    if (maxHeight > originalHeight) {
      maxHeight = originalHeight;
    }
    if (height >= maxHeight) {
      height = maxHeight;
    }
    if (height < maxHeight) {
      height += rng.nextInt(maxHeight - height + 1);
    }
    int width = lrint(height * aspectRatio);
    float area = (float) (width * height);
    if (area < minArea) {
      height += 1;
      width = lrint(height * aspectRatio);
      area = width * height;
    }
    if (area > maxArea) {
      height -= 1;
      width = lrint(height * aspectRatio);
      area = width * height;
    }
    if (area < minArea || area > maxArea || width > originalWidth || height > originalHeight
        || width <= 0 || height <= 0) {
      return false;
    }
    int y = height < originalHeight ? rng.nextInt(originalHeight - height) : 0;
    int x = width < originalWidth ? rng.nextInt(originalWidth - width) : 0;
    crop[0] = y;
    crop[1] = x;
    crop[2] = y + height;
    crop[3] = x + width;
    return true;
  }

  /** TF's SatisfiesOverlapConstraints: the crop holds >= min_object_covered of some box. */
  static boolean covers(int[] crop, float minObjectCovered, int[] rects) {
    final float minPixelArea = 1.0f;
    if (area(crop[0], crop[1], crop[2], crop[3]) < minPixelArea) {
      return false;
    }
    for (int i = 0; i < rects.length; i += 4) {
      float objectArea = area(rects[i], rects[i + 1], rects[i + 2], rects[i + 3]);
      if (objectArea < minPixelArea) {
        continue;
      }
      int y0 = Math.max(crop[0], rects[i]);
      int x0 = Math.max(crop[1], rects[i + 1]);
      int y1 = Math.min(crop[2], rects[i + 2]);
      int x1 = Math.min(crop[3], rects[i + 3]);
      float intersection = (x0 > x1 || y0 > y1) ? 0f : area(y0, x0, y1, x1);
      if (intersection / objectArea >= minObjectCovered) {
        return true;
      }
    }
    return false;
  }

  private static float area(int y0, int x0, int y1, int x1) {
    return (float) ((x1 - x0) * (y1 - y0));
  }

  /** C's lrintf: round half to even. */
  private static int lrint(float v) {
    return (int) Math.rint(v);
  }
}
