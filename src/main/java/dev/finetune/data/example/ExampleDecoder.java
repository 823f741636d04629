package dev.finetune.data.example;

import static dev.finetune.data.example.ExampleKeys.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.finetune.data.DataException;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.tfrecord.TfRecord;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * Decodes {@code tf.train.Example} records in the Object Detection API's schema (see {@link
 * ExampleKeys}), like the API's {@code TfExampleDecoder}: class ids come from
 * image/object/class/text through the label map when the records carry text and a label map is
 * given, otherwise from image/object/class/label. Every problem is a {@link DataException} naming
 * the file and record index.
 */
public final class ExampleDecoder {
  /** Coordinates this far outside [0, 1] are rounding noise from conversion tools and are clipped. */
  private static final float BOX_TOLERANCE = 1e-3f;

  private final LabelMap labelMap;

  /** {@code labelMap} may be null: ids are then taken from the records as they are. */
  public ExampleDecoder(LabelMap labelMap) {
    this.labelMap = labelMap;
  }

  /** The record with its image decoded to RGB. */
  public DetectionExample decode(TfRecord record) {
    return decode(record, annotations(record));
  }

  /** Decodes the image of already-parsed {@code annotations} of {@code record}. */
  public static DetectionExample decode(TfRecord record, Annotations a) {
    RgbImage image = decodeImage(record, a);
    return new DetectionExample(
        a.sourceId(), image.height(), image.width(), image.pixels(), a.boxes(), a.classes(),
        a.weights(), a.difficult(), a.isCrowd());
  }

  public static RgbImage decodeImage(TfRecord record, Annotations a) {
    if (a.encoded().length == 0) {
      throw new DataException(record.where() + ": image/encoded is missing or empty");
    }
    try {
      return ImageCodec.decode(a.encoded());
    } catch (IOException e) {
      throw new DataException(
          record.where() + " (" + a.sourceId() + "): the image (" + a.encoded().length
              + " bytes, image/format '" + a.format() + "') does not decode: " + e.getMessage(), e);
    }
  }

  /** The record's fields, checked, without decoding the image. */
  public Annotations annotations(TfRecord record) {
    Map<String, Feature> f;
    try {
      f = Example.parseFrom(record.data()).getFeatures().getFeatureMap();
    } catch (InvalidProtocolBufferException e) {
      throw new DataException(
          record.where() + ": not a tf.train.Example (" + e.getMessage() + "); is this an"
              + " Object Detection API record file?");
    }
    String where = record.where();
    String filename = string(f, FILENAME);
    String sourceId = string(f, SOURCE_ID);
    if (sourceId.isEmpty()) {
      sourceId = filename;
    }
    float[] ymin = floats(f, YMIN);
    float[] xmin = floats(f, XMIN);
    float[] ymax = floats(f, YMAX);
    float[] xmax = floats(f, XMAX);
    int n = ymin.length;
    if (xmin.length != n || ymax.length != n || xmax.length != n) {
      throw new DataException(
          where + ": the box coordinate lists have different lengths (ymin " + n + ", xmin "
              + xmin.length + ", ymax " + ymax.length + ", xmax " + xmax.length + ")");
    }
    float[] boxes = new float[n * 4];
    for (int i = 0; i < n; i++) {
      boxes[4 * i] = coordinate(where, i, "ymin", ymin[i]);
      boxes[4 * i + 1] = coordinate(where, i, "xmin", xmin[i]);
      boxes[4 * i + 2] = coordinate(where, i, "ymax", ymax[i]);
      boxes[4 * i + 3] = coordinate(where, i, "xmax", xmax[i]);
      if (boxes[4 * i] > boxes[4 * i + 2] || boxes[4 * i + 1] > boxes[4 * i + 3]) {
        throw new DataException(
            where + ": box " + i + " has min > max (ymin " + ymin[i] + ", xmin " + xmin[i] + ", ymax "
                + ymax[i] + ", xmax " + xmax[i] + ")");
      }
    }
    List<ByteString> textBytes = bytesList(f, TEXT);
    String[] texts = new String[n];
    for (int i = 0; i < n; i++) {
      texts[i] = i < textBytes.size() ? textBytes.get(i).toStringUtf8() : "";
    }
    int[] classes = classes(where, f, n, textBytes, texts);
    float[] weights = floats(f, WEIGHT);
    if (weights.length == 0) {
      weights = new float[n];
      java.util.Arrays.fill(weights, 1f);
    }
    checkCount(where, WEIGHT, weights.length, n);
    boolean[] difficult = flags(where, f, DIFFICULT, n);
    boolean[] isCrowd = flags(where, f, IS_CROWD, n);
    byte[] encoded = bytesList(f, ENCODED).isEmpty() ? new byte[0] : bytesList(f, ENCODED).get(0).toByteArray();
    return new Annotations(
        sourceId, filename, string(f, FORMAT), encoded, (int) int64(f, HEIGHT), (int) int64(f, WIDTH),
        boxes, classes, texts, weights, difficult, isCrowd);
  }

  private int[] classes(String where, Map<String, Feature> f, int n, List<ByteString> textBytes, String[] texts) {
    long[] labels = int64s(f, LABEL);
    int[] classes = new int[n];
    if (labelMap != null && !textBytes.isEmpty()) {
      checkCount(where, TEXT, textBytes.size(), n);
      for (int i = 0; i < n; i++) {
        int id = labelMap.idOf(texts[i]);
        if (id < 0) {
          throw new DataException(
              where + ": box " + i + " has class text \"" + texts[i] + "\", which is not in the label map "
                  + labelMap.source() + " (" + labelMap.toDict(false).keySet().stream().limit(20)
                  .collect(Collectors.joining(", ")) + ")");
        }
        classes[i] = id;
      }
      return classes;
    }
    if (labels.length == 0 && n > 0) {
      throw new DataException(
          where + ": " + n + " boxes but no " + LABEL
              + (textBytes.isEmpty() ? "" : " (the records name classes by text only: give a label_map_path)"));
    }
    checkCount(where, LABEL, labels.length, n);
    for (int i = 0; i < n; i++) {
      long id = labels[i];
      if (id < 1 || id > Integer.MAX_VALUE) {
        throw new DataException(where + ": box " + i + " has class label " + id + "; label-map ids start at 1");
      }
      if (labelMap != null && !labelMap.contains((int) id)) {
        throw new DataException(
            where + ": box " + i + " has class label " + id + ", which is not in the label map "
                + labelMap.source() + " (ids " + labelMap.items().get(0).id() + ".." + labelMap.maxId() + ")");
      }
      classes[i] = (int) id;
    }
    return classes;
  }

  private static float coordinate(String where, int box, String name, float v) {
    if (Float.isNaN(v) || v < -BOX_TOLERANCE || v > 1 + BOX_TOLERANCE) {
      throw new DataException(
          where + ": box " + box + " " + name + " = " + v + " is outside [0, 1]; boxes must be"
              + " normalized by the image size");
    }
    return Math.max(0f, Math.min(1f, v));
  }

  private static void checkCount(String where, String key, int count, int boxes) {
    if (count != boxes) {
      throw new DataException(where + ": " + key + " has " + count + " values for " + boxes + " boxes");
    }
  }

  private static boolean[] flags(String where, Map<String, Feature> f, String key, int n) {
    long[] v = int64s(f, key);
    boolean[] out = new boolean[n];
    if (v.length == 0) {
      return out;
    }
    checkCount(where, key, v.length, n);
    for (int i = 0; i < n; i++) {
      out[i] = v[i] != 0;
    }
    return out;
  }

  static List<ByteString> bytesList(Map<String, Feature> f, String key) {
    Feature feature = f.get(key);
    return feature == null ? List.of() : feature.getBytesList().getValueList();
  }

  static String string(Map<String, Feature> f, String key) {
    List<ByteString> v = bytesList(f, key);
    return v.isEmpty() ? "" : v.get(0).toStringUtf8();
  }

  static float[] floats(Map<String, Feature> f, String key) {
    Feature feature = f.get(key);
    if (feature == null) {
      return new float[0];
    }
    List<Float> v = feature.getFloatList().getValueList();
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  static long[] int64s(Map<String, Feature> f, String key) {
    Feature feature = f.get(key);
    if (feature == null) {
      return new long[0];
    }
    return feature.getInt64List().getValueList().stream().mapToLong(Long::longValue).toArray();
  }

  static long int64(Map<String, Feature> f, String key) {
    long[] v = int64s(f, key);
    return v.length == 0 ? 0 : v[0];
  }
}
