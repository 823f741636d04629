package dev.finetune.data;

/**
 * One training batch in the form the model's graph consumes: the contract between the input
 * pipeline (data) and the detection model (model). Flat row-major arrays, ready for {@code
 * TFloat32.tensorOf(Shape.of(...), DataBuffers.of(...))} without copying element by element.
 *
 * <ul>
 *   <li>{@code images}: [batchSize, height, width, 3], RGB, pixel values in [0, 255] (already
 *       augmented and resized by the image_resizer; the model applies its feature extractor's
 *       normalization inside the graph).
 *   <li>{@code boxes}: [batchSize, maxBoxes, 4], normalized [ymin, xmin, ymax, xmax]; rows past
 *       {@code numBoxes[i]} are zero padding.
 *   <li>{@code classes}: [batchSize, maxBoxes], label-map ids starting at 1; 0 in padding rows.
 *   <li>{@code weights}: [batchSize, maxBoxes], per-box loss weights (1 unless the record says
 *       otherwise); 0 in padding rows.
 *   <li>{@code numBoxes}: [batchSize], real boxes per image.
 *   <li>{@code sourceIds}: [batchSize], the records' image/source_id (or filename), for eval and logs.
 * </ul>
 */
public record DetectionBatch(
    int batchSize,
    int height,
    int width,
    int maxBoxes,
    float[] images,
    float[] boxes,
    int[] classes,
    float[] weights,
    int[] numBoxes,
    String[] sourceIds) {

  public DetectionBatch {
    check(images.length == (long) batchSize * height * width * 3, "images");
    check(boxes.length == batchSize * maxBoxes * 4, "boxes");
    check(classes.length == batchSize * maxBoxes, "classes");
    check(weights.length == batchSize * maxBoxes, "weights");
    check(numBoxes.length == batchSize, "numBoxes");
    check(sourceIds.length == batchSize, "sourceIds");
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("DetectionBatch: " + what + " has the wrong length");
    }
  }
}
