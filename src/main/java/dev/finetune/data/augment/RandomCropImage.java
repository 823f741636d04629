package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_crop_image. Unless random_coef is 0, the example is left as it is when u <= random_coef.
 * Otherwise a window is sampled ({@link CropSampler}, the whole image if none fits), the image is
 * cut to it, and the boxes are filtered as the API does: boxes completely outside the window are
 * dropped, then boxes whose intersection with the window over their own area is below
 * overlap_thresh (zero-area boxes always), the rest are re-expressed in the window's frame and, if
 * clip_boxes, clipped to [0, 1]. All per-box fields follow the boxes.
 */
public record RandomCropImage(CropOperation operation) implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    // The API skips the coin entirely when random_coef is 0 (below sys.float_info.min).
    if (operation.randomCoef() >= Double.MIN_NORMAL && !(rng.nextFloat() > operation.randomCoef())) {
      return ex;
    }
    return crop(ex, operation, rng);
  }

  /** The API's _strict_random_crop_image: always crops (possibly to the whole image). */
  static DetectionExample crop(DetectionExample ex, CropOperation op, Random rng) {
    float[] clipped = ex.boxes().clone();
    for (int i = 0; i < clipped.length; i++) {
      clipped[i] = Math.min(1.0f, Math.max(0.0f, clipped[i]));
    }
    CropSampler.Window window = CropSampler.sample(ex.height(), ex.width(), clipped,
        op.minObjectCovered(), op.minAspectRatio(), op.maxAspectRatio(), op.minArea(),
        op.maxArea(), rng);
    float[] pixels = window.height() == ex.height() && window.width() == ex.width()
        ? ex.pixels()
        : ImageOps.crop(ex.pixels(), ex.width(), window.y(), window.x(), window.height(),
            window.width());
    // The sampler's normalized window, in float32 as the kernel returns it.
    float wy0 = window.y() / (float) ex.height();
    float wx0 = window.x() / (float) ex.width();
    float wy1 = (window.y() + window.height()) / (float) ex.height();
    float wx1 = (window.x() + window.width()) / (float) ex.width();
    return BoxWindow.keepInWindow(ex, window.height(), window.width(), pixels,
        wy0, wx0, wy1, wx1, op.overlapThresh(), op.clipBoxes());
  }
}
