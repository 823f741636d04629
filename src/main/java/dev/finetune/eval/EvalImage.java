package dev.finetune.eval;

import java.util.Arrays;

/**
 * What the evaluators need of one image: its ground truth and the model's detections.
 *
 * <p>Boxes are <b>normalized</b> {@code [ymin, xmin, ymax, xmax]} floats, as the API stores ground
 * truth in its TFRecords and as the model outputs detections (relative to the image; coordinates
 * outside [0, 1] are allowed). {@code width}/{@code height} are the <b>original</b> image's size in
 * pixels: the evaluators scale boxes to absolute pixels with it exactly as the API's {@code
 * eval_util.result_dict_for_batched_example(scale_to_absolute=True)} does (float32 {@code y*height},
 * {@code x*width}), so COCO area ranges are in pixels of the original image. Classes are label-map
 * ids (from 1; the model's 0-based classes plus the API's label_id_offset 1).
 *
 * @param id the image's key (source_id); images are ordered numerically when every id is an integer,
 *     else as strings (as pycocotools sorts them)
 */
public record EvalImage(
    String id, int width, int height, GroundTruth groundTruth, Detections detections) {

  public EvalImage {
    if (id == null) {
      throw new IllegalArgumentException("image id is null");
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image " + id + ": size " + width + "x" + height + " is not positive");
    }
    if (groundTruth == null) {
      groundTruth = GroundTruth.NONE;
    }
    if (detections == null) {
      detections = Detections.NONE;
    }
  }

  /**
   * Ground-truth boxes of one image.
   *
   * @param boxes normalized [ymin, xmin, ymax, xmax]
   * @param classes label-map ids; boxes of classes not among the evaluator's categories are dropped
   *     (COCO) or ignored (VOC), as in the API (this is what removes -1 padding)
   * @param isCrowd COCO iscrowd flags (null: none); Pascal VOC ignores them, as the API does
   * @param difficult VOC difficult flags (null: none); COCO ignores them, as the API does
   * @param area the API's {@code groundtruth_area} (TFRecord {@code image/object/area}, e.g. the COCO
   *     segmentation area in pixels of the original image; null: none). COCO uses a value > 0 as the
   *     annotation's area (which decides its size range) and the box area in pixels otherwise, as
   *     the API's {@code ExportSingleImageGroundtruthToCoco} does; VOC ignores it
   */
  public record GroundTruth(
      float[][] boxes, int[] classes, boolean[] isCrowd, boolean[] difficult, float[] area) {
    public static final GroundTruth NONE = new GroundTruth(new float[0][], new int[0]);

    public GroundTruth {
      checkBoxes("ground-truth", boxes);
      requireLength("ground-truth classes", classes.length, boxes.length);
      isCrowd = isCrowd == null ? new boolean[boxes.length] : isCrowd;
      difficult = difficult == null ? new boolean[boxes.length] : difficult;
      area = area == null ? new float[boxes.length] : area;
      requireLength("ground-truth is_crowd flags", isCrowd.length, boxes.length);
      requireLength("ground-truth difficult flags", difficult.length, boxes.length);
      requireLength("ground-truth areas", area.length, boxes.length);
    }

    public GroundTruth(float[][] boxes, int[] classes, boolean[] isCrowd, boolean[] difficult) {
      this(boxes, classes, isCrowd, difficult, null);
    }

    public GroundTruth(float[][] boxes, int[] classes) {
      this(boxes, classes, null, null, null);
    }

    public int size() {
      return boxes.length;
    }
  }

  /**
   * Detections of one image (any order: the evaluators sort by score as the API does).
   *
   * @param boxes normalized [ymin, xmin, ymax, xmax]
   */
  public record Detections(float[][] boxes, float[] scores, int[] classes) {
    public static final Detections NONE = new Detections(new float[0][], new float[0], new int[0]);

    public Detections {
      checkBoxes("detection", boxes);
      requireLength("detection scores", scores.length, boxes.length);
      requireLength("detection classes", classes.length, boxes.length);
    }

    public int size() {
      return boxes.length;
    }
  }

  private static void checkBoxes(String what, float[][] boxes) {
    for (int i = 0; i < boxes.length; i++) {
      if (boxes[i] == null || boxes[i].length != 4) {
        throw new IllegalArgumentException(
            what + " box " + i + " is not [ymin, xmin, ymax, xmax]: " + Arrays.toString(boxes[i]));
      }
    }
  }

  private static void requireLength(String what, int length, int boxes) {
    if (length != boxes) {
      throw new IllegalArgumentException(what + ": " + length + " for " + boxes + " boxes");
    }
  }

  /**
   * Box {@code i} in absolute pixels of the original image, {@code [ymin, xmin, ymax, xmax]}, computed
   * as the API's {@code box_list_ops.scale}: float32 products {@code y*height}, {@code x*width}.
   */
  float[] absolute(float[] box) {
    float h = height;
    float w = width;
    return new float[] {box[0] * h, box[1] * w, box[2] * h, box[3] * w};
  }
}
