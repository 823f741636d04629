package dev.finetune.data.augment;

/**
 * The parameters of one random crop (random_crop_image, or one of ssd_random_crop's operations):
 * the sampler's constraints, the IoA a box needs to stay, whether survivors are clipped to the
 * crop, and the probability random_coef of leaving the example uncropped.
 */
public record CropOperation(
    float minObjectCovered,
    float minAspectRatio,
    float maxAspectRatio,
    float minArea,
    float maxArea,
    float overlapThresh,
    boolean clipBoxes,
    float randomCoef) {

  /** The proto defaults of random_crop_image (also the Python defaults). */
  public static final CropOperation RANDOM_CROP_IMAGE_DEFAULTS =
      new CropOperation(1.0f, 0.75f, 1.33f, 0.1f, 1.0f, 0.3f, true, 0.0f);
}
