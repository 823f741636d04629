package dev.finetune.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ground truth and detections in COCO form, made from {@link EvalImage}s exactly as the API's {@code
 * CocoDetectionEvaluator} exports them ({@code coco_tools.ExportSingleImageGroundtruthToCoco} and
 * {@code ExportSingleImageDetectionBoxesToCoco}): absolute boxes in float32, {@code bbox = [xmin,
 * ymin, xmax-xmin, ymax-ymin]} with float32 differences, ground-truth {@code area} = the given
 * groundtruth_area when > 0, else the float32 box area in pixels, annotation ids a running counter
 * from 1 advanced by every input row, and boxes of classes outside the categories dropped.
 */
public final class CocoDataset {
  /** An image entry: {@code {id, width, height}}. */
  public record Image(String id, int width, int height) {}

  /** A ground-truth annotation; {@code image} indexes {@link #images()}; bbox is [x, y, w, h]. */
  public record Annotation(long id, int image, int categoryId, double[] bbox, double area, boolean crowd) {}

  /** A detection result; {@code image} indexes {@link #images()}; bbox is [x, y, w, h]. */
  public record Result(int image, int categoryId, double[] bbox, double score) {}

  private final List<Category> categories;
  private final Set<Integer> categoryIds = new HashSet<>();
  private final List<Image> images = new ArrayList<>();
  private final Map<String, Integer> imageIndex = new HashMap<>();
  private final List<Annotation> annotations = new ArrayList<>();
  private final List<Result> results = new ArrayList<>();
  private long nextAnnotationId = 1;

  public CocoDataset(List<Category> categories) {
    this.categories = List.copyOf(categories);
    for (Category c : categories) {
      categoryIds.add(c.id());
    }
  }

  /** Adds an image; false (nothing added) when its id was added before, where the API warns and ignores it. */
  public boolean add(EvalImage image) {
    if (imageIndex.containsKey(image.id())) {
      return false;
    }
    int index = images.size();
    imageIndex.put(image.id(), index);
    images.add(new Image(image.id(), image.width(), image.height()));
    EvalImage.GroundTruth gt = image.groundTruth();
    for (int i = 0; i < gt.size(); i++) {
      if (!categoryIds.contains(gt.classes()[i])) {
        continue;
      }
      float[] b = image.absolute(gt.boxes()[i]);
      float given = gt.area()[i];
      float area = given > 0 ? given : (b[2] - b[0]) * (b[3] - b[1]);
      annotations.add(
          new Annotation(
              nextAnnotationId + i, index, gt.classes()[i], cocoBox(b), area, gt.isCrowd()[i]));
    }
    nextAnnotationId += gt.size();
    EvalImage.Detections det = image.detections();
    for (int i = 0; i < det.size(); i++) {
      if (categoryIds.contains(det.classes()[i])) {
        results.add(
            new Result(index, det.classes()[i], cocoBox(image.absolute(det.boxes()[i])), det.scores()[i]));
      }
    }
    return true;
  }

  /** {@code coco_tools._ConvertBoxToCOCOFormat}: [xmin, ymin, width, height], differences in float32. */
  private static double[] cocoBox(float[] b) {
    return new double[] {b[1], b[0], b[3] - b[1], b[2] - b[0]};
  }

  public List<Category> categories() {
    return categories;
  }

  /** Images in the order they were added. */
  public List<Image> images() {
    return Collections.unmodifiableList(images);
  }

  public List<Annotation> annotations() {
    return Collections.unmodifiableList(annotations);
  }

  public List<Result> results() {
    return Collections.unmodifiableList(results);
  }

  /** True when every image id is an integer: pycocotools then orders (and JSON writes) them as numbers. */
  public boolean numericImageIds() {
    for (Image image : images) {
      if (!isInteger(image.id())) {
        return false;
      }
    }
    return true;
  }

  static boolean isInteger(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return false;
    }
    int start = s.charAt(0) == '-' ? 1 : 0;
    if (start == s.length()) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
