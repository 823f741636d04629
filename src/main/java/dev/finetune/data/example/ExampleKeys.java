package dev.finetune.data.example;

/** The {@code tf.train.Example} feature keys of the Object Detection API's records. */
public final class ExampleKeys {
  private ExampleKeys() {}

  public static final String ENCODED = "image/encoded";
  public static final String FORMAT = "image/format";
  public static final String HEIGHT = "image/height";
  public static final String WIDTH = "image/width";
  public static final String FILENAME = "image/filename";
  public static final String SOURCE_ID = "image/source_id";
  public static final String SHA256 = "image/key/sha256";
  public static final String XMIN = "image/object/bbox/xmin";
  public static final String XMAX = "image/object/bbox/xmax";
  public static final String YMIN = "image/object/bbox/ymin";
  public static final String YMAX = "image/object/bbox/ymax";
  public static final String LABEL = "image/object/class/label";
  public static final String TEXT = "image/object/class/text";
  public static final String DIFFICULT = "image/object/difficult";
  public static final String IS_CROWD = "image/object/is_crowd";
  public static final String TRUNCATED = "image/object/truncated";
  public static final String WEIGHT = "image/object/weight";
  public static final String AREA = "image/object/area";
}
