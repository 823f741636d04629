package dev.finetune.data.example;

import static dev.finetune.data.example.ExampleKeys.*;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Builds a {@code tf.train.Example} with the keys the API's dataset tools write
 * ({@code create_pet_tf_record.py} and friends), so the API's own readers accept our records.
 */
public final class ExampleEncoder {
  private ExampleEncoder() {}

  /** One labelled box: normalized coordinates, label-map id and class name. */
  public record Box(float ymin, float xmin, float ymax, float xmax, int label, String text, boolean difficult) {
    public Box(float ymin, float xmin, float ymax, float xmax, int label, String text) {
      this(ymin, xmin, ymax, xmax, label, text, false);
    }
  }

  /**
   * The serialized example for an encoded image ({@code format} "jpeg" or "png") of the given size
   * and its boxes.
   */
  public static byte[] encode(
      String filename, String sourceId, byte[] encoded, String format, int height, int width,
      java.util.List<Box> boxes) {
    Features.Builder f = Features.newBuilder();
    f.putFeature(HEIGHT, int64(height));
    f.putFeature(WIDTH, int64(width));
    f.putFeature(FILENAME, bytes(filename));
    f.putFeature(SOURCE_ID, bytes(sourceId));
    f.putFeature(SHA256, bytes(sha256Hex(encoded)));
    f.putFeature(ENCODED, Feature.newBuilder().setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(encoded))).build());
    f.putFeature(FORMAT, bytes(format));
    FloatList.Builder xmin = FloatList.newBuilder();
    FloatList.Builder xmax = FloatList.newBuilder();
    FloatList.Builder ymin = FloatList.newBuilder();
    FloatList.Builder ymax = FloatList.newBuilder();
    Int64List.Builder labels = Int64List.newBuilder();
    BytesList.Builder texts = BytesList.newBuilder();
    Int64List.Builder difficult = Int64List.newBuilder();
    Int64List.Builder truncated = Int64List.newBuilder();
    for (Box b : boxes) {
      xmin.addValue(b.xmin());
      xmax.addValue(b.xmax());
      ymin.addValue(b.ymin());
      ymax.addValue(b.ymax());
      labels.addValue(b.label());
      texts.addValue(ByteString.copyFromUtf8(b.text()));
      difficult.addValue(b.difficult() ? 1 : 0);
      truncated.addValue(0);
    }
    f.putFeature(XMIN, Feature.newBuilder().setFloatList(xmin).build());
    f.putFeature(XMAX, Feature.newBuilder().setFloatList(xmax).build());
    f.putFeature(YMIN, Feature.newBuilder().setFloatList(ymin).build());
    f.putFeature(YMAX, Feature.newBuilder().setFloatList(ymax).build());
    f.putFeature(TEXT, Feature.newBuilder().setBytesList(texts).build());
    f.putFeature(LABEL, Feature.newBuilder().setInt64List(labels).build());
    f.putFeature(DIFFICULT, Feature.newBuilder().setInt64List(difficult).build());
    f.putFeature(TRUNCATED, Feature.newBuilder().setInt64List(truncated).build());
    return Example.newBuilder().setFeatures(f).build().toByteArray();
  }

  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static Feature int64(long v) {
    return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(v)).build();
  }

  private static Feature bytes(String s) {
    return Feature.newBuilder()
        .setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(s, StandardCharsets.UTF_8)))
        .build();
  }
}
