package dev.finetune.data.tools;

import dev.finetune.data.example.Annotations;
import dev.finetune.data.labelmap.LabelMap;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a person wants to know about a record set before training on it: how many records (and
 * damaged ones), images and boxes per class, boxes per image, box sizes, image sizes.
 */
public final class RecordStats {
  /** Upper bounds of the box-size buckets: sqrt(box area / image area). */
  private static final double[] SIZE_BOUNDS = {0.05, 0.1, 0.2, 0.4, 0.7, Double.POSITIVE_INFINITY};
  private static final int[] COUNT_BOUNDS = {0, 1, 2, 3, 4, 5, 10, 20, 50, 100, Integer.MAX_VALUE};

  private long records;
  private long boxes;
  private final List<String> damaged = new ArrayList<>();
  private final List<String> unusable = new ArrayList<>();
  private final Map<Integer, long[]> perClass = new TreeMap<>(); // id -> {images, boxes}
  private final Map<Integer, String> classText = new TreeMap<>();
  private final long[] boxesPerImage = new long[COUNT_BOUNDS.length];
  private final long[] boxSizes = new long[SIZE_BOUNDS.length];
  private final long[] cocoSizes = new long[3];
  private final Map<String, Long> imageSizes = new TreeMap<>();
  private long difficult;
  private long crowd;

  public void add(Annotations a) {
    records++;
    boxes += a.numBoxes();
    for (int b = 0; b < COUNT_BOUNDS.length; b++) {
      if (a.numBoxes() <= COUNT_BOUNDS[b]) {
        boxesPerImage[b]++;
        break;
      }
    }
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    float[] bx = a.boxes();
    for (int i = 0; i < a.numBoxes(); i++) {
      int id = a.classes()[i];
      long[] c = perClass.computeIfAbsent(id, k -> new long[2]);
      c[1]++;
      if (seen.add(id)) {
        c[0]++;
      }
      if (!a.classTexts()[i].isEmpty()) {
        classText.putIfAbsent(id, a.classTexts()[i]);
      }
      double h = bx[4 * i + 2] - bx[4 * i];
      double w = bx[4 * i + 3] - bx[4 * i + 1];
      double rel = Math.sqrt(Math.max(0, h * w));
      for (int s = 0; s < SIZE_BOUNDS.length; s++) {
        if (rel < SIZE_BOUNDS[s]) {
          boxSizes[s]++;
          break;
        }
      }
      if (a.height() > 0 && a.width() > 0) {
        double pixels = h * a.height() * w * a.width();
        cocoSizes[pixels < 32 * 32 ? 0 : pixels < 96 * 96 ? 1 : 2]++;
      }
      difficult += a.difficult()[i] ? 1 : 0;
      crowd += a.isCrowd()[i] ? 1 : 0;
    }
    imageSizes.merge(a.height() > 0 ? a.width() + "x" + a.height() : "unknown (no image/height)", 1L, Long::sum);
  }

  public void addDamaged(String description) {
    damaged.add(description);
  }

  public void addUnusable(String description) {
    unusable.add(description);
  }

  public long records() {
    return records;
  }

  public long boxes() {
    return boxes;
  }

  public List<String> damaged() {
    return damaged;
  }

  public List<String> unusable() {
    return unusable;
  }

  /** Images containing each class id. */
  public Map<Integer, Long> imagesPerClass() {
    Map<Integer, Long> out = new TreeMap<>();
    perClass.forEach((id, c) -> out.put(id, c[0]));
    return out;
  }

  public void print(PrintWriter out, LabelMap labelMap) {
    out.printf("Records: %d good, %d damaged, %d unusable%n", records, damaged.size(), unusable.size());
    for (String d : damaged) {
      out.println("  damaged: " + d);
    }
    for (String u : unusable) {
      out.println("  unusable: " + u);
    }
    if (records == 0) {
      return; // statistics of nothing are noise around the error that follows
    }
    out.printf("Boxes: %d (%.2f per image), %d difficult, %d crowd%n", boxes,
        records == 0 ? 0.0 : (double) boxes / records, difficult, crowd);
    out.println("Classes (id, name, images, boxes):");
    perClass.forEach((id, c) -> out.printf("  %4d  %-24s %8d %8d%s%n", id, name(id, labelMap), c[0], c[1],
        labelMap != null && !labelMap.contains(id) ? "   NOT IN THE LABEL MAP" : ""));
    if (labelMap != null) {
      for (LabelMap.Item item : labelMap.items()) {
        if (!perClass.containsKey(item.id())) {
          out.printf("  %4d  %-24s %8d %8d   (no examples)%n", item.id(), item.name(), 0, 0);
        }
      }
    }
    out.println("Boxes per image:");
    for (int b = 0; b < COUNT_BOUNDS.length; b++) {
      if (boxesPerImage[b] > 0) {
        out.printf("  %-8s %8d  %s%n", countLabel(b), boxesPerImage[b], bar(boxesPerImage[b], records));
      }
    }
    out.println("Box size, sqrt(box area / image area):");
    for (int s = 0; s < SIZE_BOUNDS.length; s++) {
      String label = (s == 0 ? "0" : String.valueOf(SIZE_BOUNDS[s - 1])) + "-"
          + (Double.isInfinite(SIZE_BOUNDS[s]) ? "1" : String.valueOf(SIZE_BOUNDS[s]));
      out.printf("  %-9s %8d  %s%n", label, boxSizes[s], bar(boxSizes[s], boxes));
    }
    if (cocoSizes[0] + cocoSizes[1] + cocoSizes[2] > 0) {
      out.printf("Box size in pixels (COCO): small (<32x32) %d, medium %d, large (>=96x96) %d%n",
          cocoSizes[0], cocoSizes[1], cocoSizes[2]);
    }
    out.println("Image sizes (width x height):");
    imageSizes.entrySet().stream()
        .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .limit(8)
        .forEach(e -> out.printf("  %-12s %8d%n", e.getKey(), e.getValue()));
    if (imageSizes.size() > 8) {
      out.printf("  ... %d sizes in all%n", imageSizes.size());
    }
  }

  private String name(int id, LabelMap labelMap) {
    if (labelMap != null && labelMap.contains(id)) {
      return labelMap.nameOf(id, false);
    }
    return classText.getOrDefault(id, "?");
  }

  private static String countLabel(int b) {
    int hi = COUNT_BOUNDS[b];
    int lo = b == 0 ? 0 : COUNT_BOUNDS[b - 1] + 1;
    if (hi == Integer.MAX_VALUE) {
      return lo + "+";
    }
    return lo == hi ? String.valueOf(hi) : lo + "-" + hi;
  }

  private static String bar(long n, long total) {
    int width = total == 0 ? 0 : (int) Math.round(40.0 * n / total);
    return "#".repeat(width);
  }
}
