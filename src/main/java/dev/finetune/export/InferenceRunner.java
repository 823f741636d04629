package dev.finetune.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.example.RgbImage;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.tools.BoxPainter;
import dev.finetune.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code finetune infer}: runs an exported model on image files and writes, per image, {@code
 * <name>.json} (detections above the score threshold: label-map id and name, score, the box
 * normalized and in pixels) and {@code <name>.png} (the image with labelled boxes). An image that
 * cannot be read is reported and skipped; the others go on.
 */
public final class InferenceRunner {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceRunner.class);

  /** What happened to one input. */
  public record ImageResult(Path image, Path json, Path png, int detections, String error) {
    public boolean ok() {
      return error == null;
    }
  }

  private final SavedModelDetector detector;
  private final LabelMap labelMap; // null: classes named by id
  private final float minScore;

  public InferenceRunner(SavedModelDetector detector, LabelMap labelMap, float minScore) {
    this.detector = detector;
    this.labelMap = labelMap;
    this.minScore = minScore;
  }

  /** Runs every image; output files go to {@code outputDir} (created). */
  public List<ImageResult> run(List<Path> images, Path outputDir) throws IOException {
    Files.createDirectories(outputDir);
    Set<String> usedNames = new HashSet<>();
    List<ImageResult> results = new ArrayList<>();
    for (Path image : images) {
      RgbImage rgb;
      try {
        rgb = ImageCodec.decode(Files.readAllBytes(image));
      } catch (IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
        LOG.error("cannot read image {}: {}; skipped", image, why);
        results.add(new ImageResult(image, null, null, 0, why));
        continue;
      }
      String name = uniqueName(image, usedNames);
      List<SavedModelDetector.Detection> kept = detector.run(rgb).detections().stream()
          .filter(d -> d.score() >= minScore).toList();
      Path json = outputDir.resolve(name + ".json");
      Json.write(json, toJson(image, rgb, kept));
      Path png = outputDir.resolve(name + ".png");
      Files.write(png, ImageCodec.encodePng(BoxPainter.draw(ImageCodec.toBufferedImage(rgb), boxes(kept))));
      LOG.info("{}: {} detections with score >= {} -> {}", image, kept.size(), minScore, json);
      results.add(new ImageResult(image, json, png, kept.size(), null));
    }
    return results;
  }

  private JsonObject toJson(Path image, RgbImage rgb, List<SavedModelDetector.Detection> kept) {
    JsonObject o = new JsonObject();
    o.addProperty("image", image.toString());
    o.addProperty("height", rgb.height());
    o.addProperty("width", rgb.width());
    o.addProperty("min_score", minScore);
    o.addProperty("num_detections", kept.size());
    JsonArray list = new JsonArray();
    for (SavedModelDetector.Detection d : kept) {
      JsonObject j = new JsonObject();
      j.addProperty("class_id", d.classId());
      j.addProperty("class_name", className(d.classId()));
      j.addProperty("score", d.score());
      JsonArray box = new JsonArray();
      box.add(d.ymin());
      box.add(d.xmin());
      box.add(d.ymax());
      box.add(d.xmax());
      j.add("box", box);
      JsonArray pixels = new JsonArray();
      pixels.add(d.ymin() * rgb.height());
      pixels.add(d.xmin() * rgb.width());
      pixels.add(d.ymax() * rgb.height());
      pixels.add(d.xmax() * rgb.width());
      j.add("box_pixels", pixels);
      list.add(j);
    }
    o.add("detections", list);
    return o;
  }

  private List<BoxPainter.LabeledBox> boxes(List<SavedModelDetector.Detection> kept) {
    List<BoxPainter.LabeledBox> boxes = new ArrayList<>();
    // Lowest score first, so the best box is drawn last, on top.
    for (int i = kept.size() - 1; i >= 0; i--) {
      SavedModelDetector.Detection d = kept.get(i);
      String label = String.format(Locale.ROOT, "%s %.0f%%", className(d.classId()), 100 * d.score());
      boxes.add(new BoxPainter.LabeledBox(d.ymin(), d.xmin(), d.ymax(), d.xmax(), d.classId(), label));
    }
    return boxes;
  }

  /** The label map's display_name, else its name; "class N" without a label map. */
  private String className(int id) {
    if (labelMap == null) {
      return "class " + id;
    }
    return labelMap.contains(id) ? labelMap.nameOf(id, true) : "id " + id;
  }

  /** The image's file name without extension; a suffix when two inputs share it. */
  private static String uniqueName(Path image, Set<String> used) {
    String file = image.getFileName().toString();
    int dot = file.lastIndexOf('.');
    String stem = dot > 0 ? file.substring(0, dot) : file;
    String name = stem;
    for (int i = 2; !used.add(name); i++) {
      name = stem + "_" + i;
    }
    return name;
  }
}
