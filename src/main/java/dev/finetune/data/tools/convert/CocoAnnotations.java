package dev.finetune.data.tools.convert;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.finetune.data.DataException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * COCO "instances" JSON: {@code images} (id, file_name), {@code annotations} (image_id, bbox
 * [x, y, width, height] in pixels, category_id, iscrowd) and {@code categories} (id, name). Category
 * ids are kept as label-map ids, as the API's {@code create_coco_tf_record.py} does; images without
 * annotations are kept (they teach the model what is not an object).
 */
public final class CocoAnnotations {
  private CocoAnnotations() {}

  public static SourceDataset read(Path json) throws IOException {
    try {
      return parse(json);
    } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException | ClassCastException e) {
      // Gson's accessors throw these when a field is missing or has the wrong type.
      throw new DataException(json + ": not a COCO instances file: a field has the wrong type (" + e.getMessage() + ")");
    }
  }

  private static SourceDataset parse(Path json) throws IOException {
    JsonObject root;
    try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
      JsonElement e = JsonParser.parseReader(r);
      if (!e.isJsonObject()) {
        throw new DataException(json + ": not a COCO annotation file (expected a JSON object)");
      }
      root = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new DataException(json + ": not valid JSON" + jsonPosition(e)
          + "; --from coco takes a COCO instances JSON file (images, annotations, categories)", e);
    } catch (CharacterCodingException e) {
      throw new DataException(json + ": not a text file (not UTF-8); --from coco takes a COCO"
          + " instances JSON file", e);
    }
    for (String key : List.of("images", "annotations", "categories")) {
      if (!root.has(key) || !root.get(key).isJsonArray()) {
        throw new DataException(json + ": no '" + key + "' list; is this a COCO instances file?");
      }
    }
    Map<Integer, String> categoryNames = new LinkedHashMap<>();
    List<SourceDataset.Category> categories = new ArrayList<>();
    for (JsonElement c : root.getAsJsonArray("categories")) {
      JsonObject o = c.getAsJsonObject();
      int id = field(o, "id", json, "a category").getAsInt();
      String name = field(o, "name", json, "category " + id).getAsString();
      categoryNames.put(id, name);
      categories.add(new SourceDataset.Category(id, name));
    }
    Map<Long, String> fileById = new LinkedHashMap<>();
    Map<Long, List<SourceDataset.Box>> boxesById = new LinkedHashMap<>();
    for (JsonElement i : root.getAsJsonArray("images")) {
      JsonObject o = i.getAsJsonObject();
      long id = field(o, "id", json, "an image").getAsLong();
      fileById.put(id, field(o, "file_name", json, "image " + id).getAsString());
      boxesById.put(id, new ArrayList<>());
    }
    JsonArray annotations = root.getAsJsonArray("annotations");
    for (int n = 0; n < annotations.size(); n++) {
      JsonObject a = annotations.get(n).getAsJsonObject();
      String where = json.getFileName() + " annotation " + n + (a.has("id") ? " (id " + a.get("id") + ")" : "");
      long imageId = field(a, "image_id", json, where).getAsLong();
      List<SourceDataset.Box> boxes = boxesById.get(imageId);
      if (boxes == null) {
        throw new DataException(json + ": " + where + " refers to image_id " + imageId + ", which is not in 'images'");
      }
      int category = field(a, "category_id", json, where).getAsInt();
      String label = categoryNames.get(category);
      if (label == null) {
        throw new DataException(json + ": " + where + " has category_id " + category + ", which is not in 'categories'");
      }
      JsonElement box = field(a, "bbox", json, where);
      if (!box.isJsonArray() || box.getAsJsonArray().size() != 4) {
        throw new DataException(json + ": " + where + " has bbox " + box + "; expected [x, y, width, height]");
      }
      JsonArray bbox = box.getAsJsonArray();
      double x = bbox.get(0).getAsDouble();
      double y = bbox.get(1).getAsDouble();
      double w = bbox.get(2).getAsDouble();
      double h = bbox.get(3).getAsDouble();
      boolean crowd = a.has("iscrowd") && a.get("iscrowd").getAsInt() != 0;
      boxes.add(new SourceDataset.Box(x, y, x + w, y + h, false, label, false, crowd, where));
    }
    List<SourceDataset.Image> images = new ArrayList<>();
    fileById.forEach((id, file) -> images.add(new SourceDataset.Image(file, boxesById.get(id), "image id " + id)));
    return new SourceDataset(images, categories);
  }

  private static JsonElement field(JsonObject o, String key, Path json, String what) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new DataException(json + ": " + what + " has no '" + key + "'");
    }
    return e;
  }

  /** " at line L column C" from Gson's message (which otherwise advises on its own API), or "". */
  private static String jsonPosition(JsonParseException e) {
    Matcher m = Pattern.compile("line (\\d+) column (\\d+)").matcher(String.valueOf(e.getMessage()));
    return m.find() ? " at line " + m.group(1) + " column " + m.group(2) : "";
  }
}
