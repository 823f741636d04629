package dev.finetune.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * For scripts/crosscheck_coco.py: reads random cases (JSON), evaluates each with the COCO (all
 * per-category metrics on) and Pascal VOC evaluators, and writes the metrics as JSON (NaN as null).
 * With two more arguments it also writes case 0 as COCO ground-truth and detection JSON files.
 *
 * <p>Usage: {@code CocoCrosscheckMain cases.json results.json [gt0.json dets0.json]}
 */
public final class CocoCrosscheckMain {
  private CocoCrosscheckMain() {}

  public static void main(String[] args) throws IOException {
    JsonArray cases;
    try (Reader r = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
      cases = JsonParser.parseReader(r).getAsJsonArray();
    }
    try (Writer w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
      JsonWriter out = new JsonWriter(w);
      out.beginArray();
      for (int c = 0; c < cases.size(); c++) {
        JsonObject kase = cases.get(c).getAsJsonObject();
        List<Category> categories = new ArrayList<>();
        for (JsonElement e : kase.getAsJsonArray("categories")) {
          JsonObject o = e.getAsJsonObject();
          categories.add(new Category(o.get("id").getAsInt(), o.get("name").getAsString()));
        }
        CocoDetectionEvaluator coco = new CocoDetectionEvaluator(categories, true, true);
        PascalDetectionEvaluator voc = new PascalDetectionEvaluator(categories);
        for (JsonElement e : kase.getAsJsonArray("images")) {
          EvalImage image = image(e.getAsJsonObject());
          coco.add(image);
          voc.add(image);
        }
        out.beginObject();
        write(out.name("coco"), coco.evaluate());
        write(out.name("voc"), voc.evaluate());
        out.endObject();
        if (c == 0 && args.length >= 4) {
          CocoJsonWriter.writeGroundTruth(coco.dataset(), Path.of(args[2]));
          CocoJsonWriter.writeDetections(coco.dataset(), Path.of(args[3]));
        }
      }
      out.endArray();
    }
  }

  private static void write(JsonWriter out, Map<String, Double> metrics) throws IOException {
    out.beginObject();
    for (Map.Entry<String, Double> m : metrics.entrySet()) {
      out.name(m.getKey());
      if (m.getValue().isNaN()) {
        out.nullValue();
      } else {
        out.value(m.getValue());
      }
    }
    out.endObject();
  }

  private static EvalImage image(JsonObject o) {
    return new EvalImage(
        o.get("id").getAsString(),
        o.get("width").getAsInt(),
        o.get("height").getAsInt(),
        new EvalImage.GroundTruth(
            boxes(o.getAsJsonArray("gt_boxes")),
            ints(o.getAsJsonArray("gt_classes")),
            bools(o.getAsJsonArray("gt_crowd")),
            bools(o.getAsJsonArray("gt_difficult")),
            o.has("gt_area") ? floats(o.getAsJsonArray("gt_area")) : null),
        new EvalImage.Detections(
            boxes(o.getAsJsonArray("det_boxes")),
            floats(o.getAsJsonArray("det_scores")),
            ints(o.getAsJsonArray("det_classes"))));
  }

  private static float[][] boxes(JsonArray a) {
    float[][] out = new float[a.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = floats(a.get(i).getAsJsonArray());
    }
    return out;
  }

  /** Values are float32 numbers written as float64 by Python: the cast is exact. */
  private static float[] floats(JsonArray a) {
    float[] out = new float[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) a.get(i).getAsDouble();
    }
    return out;
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }

  private static boolean[] bools(JsonArray a) {
    boolean[] out = new boolean[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt() != 0;
    }
    return out;
  }
}
