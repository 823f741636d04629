package dev.finetune.data.tools.convert;

import dev.finetune.data.DataException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * CSV annotations: one box per row, {@code filename,xmin,ymin,xmax,ymax,label}. A header row may
 * name the columns in any order (also {@code class} for label, as in the popular
 * {@code generate_tfrecord.py} tutorials; extra columns such as width/height are ignored). Boxes are
 * in pixels, or normalized to [0, 1] with {@code normalized}. A row with an empty box
 * ({@code filename,,,,,}) lists an image without objects. Classes get ids 1.. in name order.
 */
public final class CsvAnnotations {
  private static final List<String> COLUMNS = List.of("filename", "xmin", "ymin", "xmax", "ymax", "label");

  private CsvAnnotations() {}

  public static SourceDataset read(Path csv, boolean normalized) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new DataException(csv + ": not a text file (not UTF-8); --from csv takes a CSV of"
          + " filename,xmin,ymin,xmax,ymax,label", e);
    }
    Map<String, Integer> column = new LinkedHashMap<>();
    int first = 0;
    if (!lines.isEmpty() && lines.get(0).toLowerCase(Locale.ROOT).contains("filename")) {
      List<String> header = split(lines.get(0).replace("\uFEFF", ""));
      for (int i = 0; i < header.size(); i++) {
        String name = header.get(i).strip().toLowerCase(Locale.ROOT);
        column.putIfAbsent(name.equals("class") ? "label" : name, i);
      }
      for (String c : COLUMNS) {
        if (!column.containsKey(c)) {
          throw new DataException(csv + ":1: the header has no '" + c + "' column (need "
              + String.join(",", COLUMNS) + ")");
        }
      }
      first = 1;
    } else {
      for (int i = 0; i < COLUMNS.size(); i++) {
        column.put(COLUMNS.get(i), i);
      }
    }
    Map<String, List<SourceDataset.Box>> byImage = new LinkedHashMap<>();
    Map<String, String> imageOrigin = new LinkedHashMap<>();
    TreeSet<String> labels = new TreeSet<>();
    for (int n = first; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank()) {
        continue;
      }
      String where = csv.getFileName() + ":" + (n + 1);
      List<String> f = split(line);
      String filename = get(f, column, "filename").strip();
      if (filename.isEmpty()) {
        throw new DataException(csv + ":" + (n + 1) + ": no filename");
      }
      List<SourceDataset.Box> boxes = byImage.computeIfAbsent(filename, k -> new ArrayList<>());
      imageOrigin.putIfAbsent(filename, where);
      String label = get(f, column, "label").strip();
      if (get(f, column, "xmin").isBlank() && label.isEmpty()) {
        continue;
      }
      double[] v = new double[4];
      String[] names = {"xmin", "ymin", "xmax", "ymax"};
      for (int i = 0; i < 4; i++) {
        String s = get(f, column, names[i]).strip();
        try {
          v[i] = Double.parseDouble(s);
        } catch (NumberFormatException e) {
          throw new DataException(csv + ":" + (n + 1) + ": " + names[i] + " '" + s + "' is not a number");
        }
      }
      if (label.isEmpty()) {
        throw new DataException(csv + ":" + (n + 1) + ": the box has no label");
      }
      labels.add(label);
      boxes.add(new SourceDataset.Box(v[0], v[1], v[2], v[3], normalized, label, false, false, where));
    }
    List<SourceDataset.Image> images = new ArrayList<>();
    byImage.forEach((name, boxes) -> images.add(new SourceDataset.Image(name, boxes, imageOrigin.get(name))));
    List<SourceDataset.Category> categories = new ArrayList<>();
    for (String label : labels) {
      categories.add(new SourceDataset.Category(categories.size() + 1, label));
    }
    return new SourceDataset(images, categories);
  }

  private static String get(List<String> fields, Map<String, Integer> column, String name) {
    int i = column.get(name);
    return i < fields.size() ? fields.get(i) : "";
  }

  /** Splits one CSV line; double quotes group fields and "" is a literal quote. */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }
}
