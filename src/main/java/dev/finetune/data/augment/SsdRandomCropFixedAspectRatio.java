package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.List;
import java.util.Random;

/**
 * ssd_random_crop_fixed_aspect_ratio: {@link SsdRandomCrop} with every operation's aspect ratio
 * range fixed to (aspectRatio, aspectRatio), then {@link RandomCropToAspectRatio} (overlap 0.3,
 * clipping) to make the ratio exact.
 */
public record SsdRandomCropFixedAspectRatio(List<CropOperation> operations, float aspectRatio)
    implements ExampleTransform {

  /** The 7 SSD operations (as {@link SsdRandomCrop#DEFAULT_OPERATIONS}) with a fixed ratio. */
  public static List<CropOperation> defaultOperations(float aspectRatio) {
    return SsdRandomCrop.DEFAULT_OPERATIONS.stream().map(op -> withRatio(op, aspectRatio))
        .toList();
  }

  static CropOperation withRatio(CropOperation op, float aspectRatio) {
    return new CropOperation(op.minObjectCovered(), aspectRatio, aspectRatio, op.minArea(),
        op.maxArea(), op.overlapThresh(), op.clipBoxes(), op.randomCoef());
  }

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    List<CropOperation> fixed = operations.stream().map(op -> withRatio(op, aspectRatio)).toList();
    DetectionExample cropped = new SsdRandomCrop(fixed).apply(ex, rng);
    return new RandomCropToAspectRatio(aspectRatio, 0.3f, true).apply(cropped, rng);
  }
}
