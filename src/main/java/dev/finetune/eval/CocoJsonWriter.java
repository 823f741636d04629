package dev.finetune.eval;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a {@link CocoDataset} as COCO-format JSON, so numbers can be checked with other tools (e.g.
 * pycocotools {@code COCO(gt)}, {@code loadRes(dets)}): the ground truth as {@code {images:[{id,
 * width, height}], annotations:[{id, image_id, category_id, bbox:[x,y,w,h], area, iscrowd}],
 * categories:[{id, name}]}} and the detections as {@code [{image_id, category_id, bbox, score}]}.
 * Boxes are absolute pixels of the original image, written with full double precision (the values
 * the evaluator used); image ids are numbers when every id is an integer, else strings. Streams with
 * Gson's JsonWriter, as a full eval set's detections can be large.
 */
public final class CocoJsonWriter {
  private CocoJsonWriter() {}

  public static void writeGroundTruth(CocoDataset data, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeGroundTruth(data, w);
    }
  }

  public static void writeDetections(CocoDataset data, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      writeDetections(data, w);
    }
  }

  public static void writeGroundTruth(CocoDataset data, Writer out) throws IOException {
    boolean numeric = data.numericImageIds();
    JsonWriter json = jsonWriter(out);
    json.beginObject();
    json.name("images").beginArray();
    for (CocoDataset.Image image : data.images()) {
      json.beginObject();
      imageId(json.name("id"), image.id(), numeric);
      json.name("width").value(image.width());
      json.name("height").value(image.height());
      json.endObject();
    }
    json.endArray();
    json.name("annotations").beginArray();
    for (CocoDataset.Annotation a : data.annotations()) {
      json.beginObject();
      json.name("id").value(a.id());
      imageId(json.name("image_id"), data.images().get(a.image()).id(), numeric);
      json.name("category_id").value(a.categoryId());
      bbox(json.name("bbox"), a.bbox());
      json.name("area").value(a.area());
      json.name("iscrowd").value(a.crowd() ? 1 : 0);
      json.endObject();
    }
    json.endArray();
    json.name("categories").beginArray();
    for (Category c : data.categories()) {
      json.beginObject();
      json.name("id").value(c.id());
      json.name("name").value(c.name());
      json.endObject();
    }
    json.endArray();
    json.endObject();
    json.flush();
  }

  public static void writeDetections(CocoDataset data, Writer out) throws IOException {
    boolean numeric = data.numericImageIds();
    JsonWriter json = jsonWriter(out);
    json.beginArray();
    for (CocoDataset.Result r : data.results()) {
      json.beginObject();
      imageId(json.name("image_id"), data.images().get(r.image()).id(), numeric);
      json.name("category_id").value(r.categoryId());
      bbox(json.name("bbox"), r.bbox());
      json.name("score").value(r.score());
      json.endObject();
    }
    json.endArray();
    json.flush();
  }

  /** Lenient so a non-finite model output is written (as NaN, which Python's json reads) instead of failing. */
  private static JsonWriter jsonWriter(Writer out) {
    JsonWriter json = new JsonWriter(out);
    json.setStrictness(Strictness.LENIENT);
    return json;
  }

  private static void imageId(JsonWriter json, String id, boolean numeric) throws IOException {
    if (numeric) {
      json.value(Long.parseLong(id));
    } else {
      json.value(id);
    }
  }

  private static void bbox(JsonWriter json, double[] b) throws IOException {
    json.beginArray();
    for (double v : b) {
      json.value(v);
    }
    json.endArray();
  }
}
