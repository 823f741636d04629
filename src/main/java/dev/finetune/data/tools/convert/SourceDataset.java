package dev.finetune.data.tools.convert;

import java.util.List;

/**
 * Annotations read from COCO JSON, Pascal VOC XML or CSV, before the images are opened: image file
 * names (relative to the image folder) with their boxes, and the class names in id order.
 */
public record SourceDataset(List<Image> images, List<Category> categories) {
  /** A class: label-map id and name. */
  public record Category(int id, String name) {}

  /**
   * One box as the annotation states it: pixels (to be divided by the image size) or normalized;
   * {@code origin} says where it was read (file:line) for the report.
   */
  public record Box(
      double xmin, double ymin, double xmax, double ymax, boolean normalized, String label,
      boolean difficult, boolean isCrowd, String origin) {}

  public record Image(String filename, List<Box> boxes, String origin) {}
}
