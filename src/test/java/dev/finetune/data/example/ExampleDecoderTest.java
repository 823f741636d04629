package dev.finetune.data.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.Fixtures;
import dev.finetune.data.DataException;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.tfrecord.CorruptRecordException;
import dev.finetune.data.tfrecord.TfRecord;
import dev.finetune.data.tfrecord.TfRecordReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.FloatList;

class ExampleDecoderTest {
  private static final Path FILE = Path.of("test.record");

  @Test
  void decodesTheGoodPetsRecordsMadeByTheApiScripts() {
    Path file = Fixtures.get("records/pets_examples_CORRUPTED.record");
    List<DetectionExample> examples = new ArrayList<>();
    try (TfRecordReader reader = TfRecordReader.open(file)) {
      while (true) {
        try {
          TfRecord r = reader.next();
          if (r == null) {
            break;
          }
          examples.add(new ExampleDecoder(null).decode(r));
        } catch (CorruptRecordException e) {
          // the damaged ones are the reader's test
        }
      }
    }
    assertThat(examples).hasSize(4);
    for (DetectionExample ex : examples) {
      assertThat(ex.sourceId()).endsWith(".jpg");
      assertThat(ex.height()).isGreaterThan(100);
      assertThat(ex.numBoxes()).isGreaterThanOrEqualTo(1);
      for (int i = 0; i < ex.numBoxes(); i++) {
        assertThat(ex.boxes()[4 * i]).isLessThan(ex.boxes()[4 * i + 2]);
        assertThat(ex.boxes()[4 * i + 1]).isLessThan(ex.boxes()[4 * i + 3]);
        assertThat(ex.classes()[i]).isBetween(1, 37);
      }
      double mean = 0;
      for (float p : ex.pixels()) {
        mean += p;
      }
      assertThat(mean / ex.pixels().length).isBetween(20.0, 235.0);
    }
  }

  @Test
  void roundTripsWhatTheEncoderWrites() throws IOException {
    byte[] png = ImageCodec.encodePng(new BufferedImage(8, 4, BufferedImage.TYPE_3BYTE_BGR));
    byte[] bytes = ExampleEncoder.encode("a.png", "a.png", png, "png", 4, 8, List.of(
        new ExampleEncoder.Box(0.1f, 0.2f, 0.5f, 0.6f, 2, "dog", true),
        new ExampleEncoder.Box(0f, 0f, 1f, 1f, 1, "cat")));
    Annotations a = new ExampleDecoder(null).annotations(new TfRecord(FILE, 0, 0, bytes));
    assertThat(a.boxes()).containsExactly(0.1f, 0.2f, 0.5f, 0.6f, 0f, 0f, 1f, 1f);
    assertThat(a.classes()).containsExactly(2, 1);
    assertThat(a.classTexts()).containsExactly("dog", "cat");
    assertThat(a.difficult()).containsExactly(true, false);
    assertThat(a.weights()).containsExactly(1f, 1f);
    assertThat(a.format()).isEqualTo("png");
    assertThat(a.height()).isEqualTo(4);
    DetectionExample ex = ExampleDecoder.decode(new TfRecord(FILE, 0, 0, bytes), a);
    assertThat(ex.width()).isEqualTo(8);
  }

  @Test
  void classTextIsResolvedThroughTheLabelMapAndUnknownTextIsNamed() throws IOException {
    byte[] png = ImageCodec.encodePng(new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR));
    byte[] bytes = ExampleEncoder.encode("a.png", "a", png, "png", 2, 2, List.of(
        new ExampleEncoder.Box(0.1f, 0.2f, 0.5f, 0.6f, 9, "dog")));
    LabelMap map = LabelMap.ofNames(List.of("cat", "dog"), "map.pbtxt");
    assertThat(new ExampleDecoder(map).annotations(new TfRecord(FILE, 3, 99, bytes)).classes()).containsExactly(2);
    LabelMap other = LabelMap.ofNames(List.of("cat", "bird"), "other.pbtxt");
    assertThatThrownBy(() -> new ExampleDecoder(other).annotations(new TfRecord(FILE, 3, 99, bytes)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("test.record record #3 (byte offset 99)")
        .hasMessageContaining("\"dog\"")
        .hasMessageContaining("other.pbtxt");
  }

  @Test
  void labelMissingFromTheLabelMapIsNamed() throws IOException {
    byte[] bytes = withBoxes(new float[] {0.1f}, new float[] {0.1f}, new float[] {0.5f}, new float[] {0.5f}, 5);
    LabelMap map = LabelMap.ofNames(List.of("cat", "dog"), "map.pbtxt");
    assertThatThrownBy(() -> new ExampleDecoder(map).annotations(new TfRecord(FILE, 1, 0, bytes)))
        .hasMessageContaining("record #1")
        .hasMessageContaining("class label 5, which is not in the label map map.pbtxt");
  }

  @Test
  void boxesOutsideTheUnitSquareOrInvertedAreErrors() {
    byte[] outside = withBoxes(new float[] {0.1f}, new float[] {0.1f}, new float[] {1.5f}, new float[] {0.5f}, 1);
    assertThatThrownBy(() -> new ExampleDecoder(null).annotations(new TfRecord(FILE, 2, 0, outside)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("record #2")
        .hasMessageContaining("ymax = 1.5 is outside [0, 1]");
    byte[] inverted = withBoxes(new float[] {0.6f}, new float[] {0.1f}, new float[] {0.5f}, new float[] {0.5f}, 1);
    assertThatThrownBy(() -> new ExampleDecoder(null).annotations(new TfRecord(FILE, 2, 0, inverted)))
        .hasMessageContaining("min > max");
    byte[] rounding = withBoxes(new float[] {-0.0001f}, new float[] {0f}, new float[] {1.0001f}, new float[] {1f}, 1);
    assertThat(new ExampleDecoder(null).annotations(new TfRecord(FILE, 2, 0, rounding)).boxes())
        .containsExactly(0f, 0f, 1f, 1f);
  }

  @Test
  void undecodableImageNamesTheRecord() {
    byte[] bytes = ExampleEncoder.encode("x.jpg", "x", new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3}, "jpeg", 1, 1, List.of());
    assertThatThrownBy(() -> new ExampleDecoder(null).decode(new TfRecord(FILE, 7, 1234, bytes)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("record #7 (byte offset 1234) (x)")
        .hasMessageContaining("does not decode");
  }

  @Test
  void garbageIsNotAnExample() {
    assertThatThrownBy(() -> new ExampleDecoder(null).annotations(new TfRecord(FILE, 0, 0, new byte[] {(byte) 0xff, 1, 2})))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("not a tf.train.Example");
  }

  private static byte[] withBoxes(float[] ymin, float[] xmin, float[] ymax, float[] xmax, long label) {
    Example.Builder ex = Example.newBuilder();
    var f = ex.getFeaturesBuilder();
    f.putFeature(ExampleKeys.YMIN, floats(ymin));
    f.putFeature(ExampleKeys.XMIN, floats(xmin));
    f.putFeature(ExampleKeys.YMAX, floats(ymax));
    f.putFeature(ExampleKeys.XMAX, floats(xmax));
    f.putFeature(ExampleKeys.LABEL, Feature.newBuilder()
        .setInt64List(org.tensorflow.proto.Int64List.newBuilder().addValue(label)).build());
    return ex.build().toByteArray();
  }

  private static Feature floats(float[] v) {
    FloatList.Builder b = FloatList.newBuilder();
    for (float x : v) {
      b.addValue(x);
    }
    return Feature.newBuilder().setFloatList(b).build();
  }
}
