package dev.finetune.data;

/**
 * One decoded {@code tf.train.Example} in the Object Detection API schema: the unit that the record
 * decoder produces and the augmentations and resizer transform (each returns a new instance).
 *
 * <ul>
 *   <li>{@code pixels}: [height, width, 3] row-major RGB, values in [0, 255] as floats (colour
 *       augmentations produce non-integers and the model normalizes in its graph).
 *   <li>{@code boxes}: [numBoxes, 4] normalized [ymin, xmin, ymax, xmax].
 *   <li>{@code classes}: label-map ids (from 1); {@code weights}: per-box loss weights (1 by default);
 *       {@code difficult} / {@code isCrowd}: the record's flags (false when absent).
 *   <li>{@code sourceId}: image/source_id, or image/filename when the id is empty.
 * </ul>
 */
public record DetectionExample(
    String sourceId,
    int height,
    int width,
    float[] pixels,
    float[] boxes,
    int[] classes,
    float[] weights,
    boolean[] difficult,
    boolean[] isCrowd) {

  public DetectionExample {
    int n = classes.length;
    if (pixels.length != height * width * 3
        || boxes.length != n * 4
        || weights.length != n
        || difficult.length != n
        || isCrowd.length != n) {
      throw new IllegalArgumentException(
          "DetectionExample " + sourceId + ": array lengths do not match " + n + " boxes / "
              + height + "x" + width + " image");
    }
  }

  public int numBoxes() {
    return classes.length;
  }
}
