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
 *   <li>{@code originalHeights} / {@code originalWidths}: [batchSize], each image's size as decoded,
 *       before augmentation and resizing: evaluation scales normalized boxes to pixels of the
 *       original image with it (the API's original_image_spatial_shape).
 *   <li>{@code difficult} / {@code isCrowd}: [batchSize, maxBoxes], the records' flags (false in
 *       padding rows), for the Pascal VOC and COCO evaluators.
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
    String[] sourceIds,
    int[] originalHeights,
    int[] originalWidths,
    boolean[] difficult,
    boolean[] isCrowd) {

  /** A batch without evaluation extras: original sizes are the batch's, flags all false. */
  public DetectionBatch(int batchSize, int height, int width, int maxBoxes, float[] images,
      float[] boxes, int[] classes, float[] weights, int[] numBoxes, String[] sourceIds) {
    this(batchSize, height, width, maxBoxes, images, boxes, classes, weights, numBoxes, sourceIds,
        filled(batchSize, height), filled(batchSize, width), new boolean[batchSize * maxBoxes],
        new boolean[batchSize * maxBoxes]);
  }

  public DetectionBatch {
    check(images.length == (long) batchSize * height * width * 3, "images");
    check(boxes.length == batchSize * maxBoxes * 4, "boxes");
    check(classes.length == batchSize * maxBoxes, "classes");
    check(weights.length == batchSize * maxBoxes, "weights");
    check(numBoxes.length == batchSize, "numBoxes");
    check(sourceIds.length == batchSize, "sourceIds");
    check(originalHeights.length == batchSize, "originalHeights");
    check(originalWidths.length == batchSize, "originalWidths");
    check(difficult.length == batchSize * maxBoxes, "difficult");
    check(isCrowd.length == batchSize * maxBoxes, "isCrowd");
  }

  private static int[] filled(int n, int value) {
    int[] out = new int[n];
    java.util.Arrays.fill(out, value);
    return out;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("DetectionBatch: " + what + " has the wrong length");
    }
  }
}
