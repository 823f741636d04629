package dev.finetune.data.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.data.example.Annotations;
import dev.finetune.data.example.ExampleDecoder;
import dev.finetune.data.tools.DemoDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.op.io.ParseSingleExample;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * The records we write are read by TensorFlow's own TFRecordDataset (plain and GZIP) and parsed
 * with the Object Detection API's feature types (ParseSingleExample), and their JPEGs decode with
 * TensorFlow's DecodeJpeg: what the API's input pipeline does with them.
 */
class TensorFlowReadsOurRecordsTest {
  @TempDir Path dir;

  @Test
  void tensorFlowReadsParsesAndDecodesOurRecords() throws IOException {
    DemoDataset.write(dir, 3, 0, 40, 30, 2);
    Path plain = dir.resolve(DemoDataset.TRAIN);
    Path gzip = dir.resolve("train.record.gz");
    List<Annotations> ours = new ArrayList<>();
    try (TfRecordReader reader = TfRecordReader.open(plain); TfRecordWriter writer = TfRecordWriter.createGzip(gzip)) {
      for (TfRecord r = reader.next(); r != null; r = reader.next()) {
        ours.add(new ExampleDecoder(null).annotations(r));
        writer.write(r.data());
      }
    }
    assertThat(readWithTensorFlow(plain, "", ours)).isEqualTo(3);
    assertThat(readWithTensorFlow(gzip, "GZIP", ours)).isEqualTo(3);
  }

  private static int readWithTensorFlow(Path file, String compression, List<Annotations> ours) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      GraphOperation dataset = g.opBuilder("TFRecordDataset", "records", g.baseScope())
          .addInput(tf.array(file.toString()).asOutput())
          .addInput(tf.constant(compression).asOutput())
          .addInput(tf.constant(0L).asOutput())
          .build();
      GraphOperation iterator = g.opBuilder("IteratorV2", "iterator", g.baseScope())
          .setAttr("shared_name", "")
          .setAttr("container", "")
          .setAttr("output_types", new DataType[] {DataType.DT_STRING})
          .setAttr("output_shapes", new Shape[] {Shape.scalar()})
          .build();
      GraphOperation make = g.opBuilder("MakeIterator", "make", g.baseScope())
          .addInput(dataset.output(0)).addInput(iterator.output(0)).build();
      GraphOperation next = g.opBuilder("IteratorGetNext", "next", g.baseScope())
          .addInput(iterator.output(0))
          .setAttr("output_types", new DataType[] {DataType.DT_STRING})
          .setAttr("output_shapes", new Shape[] {Shape.scalar()})
          .build();
      Output<TString> serialized = next.output(0);
      List<Operand<?>> defaults = List.of(tf.constant(""), tf.constant(""), tf.constant(0L), tf.constant(0L));
      List<Class<? extends TType>> sparseTypes = List.of(TFloat32.class, TFloat32.class, TInt64.class, TString.class);
      ParseSingleExample parsed = ParseSingleExample.create(tf.scope(), serialized, defaults, 4L,
          List.of("image/object/bbox/xmin", "image/object/bbox/ymax", "image/object/class/label", "image/object/class/text"),
          List.of("image/encoded", "image/format", "image/height", "image/width"),
          sparseTypes,
          List.of(Shape.scalar(), Shape.scalar(), Shape.scalar(), Shape.scalar()));
      @SuppressWarnings("unchecked")
      Operand<TString> encoded = (Operand<TString>) parsed.denseValues().get(0);
      DecodeJpeg image = tf.image.decodeJpeg(encoded, DecodeJpeg.channels(3L));
      s.runner().addTarget(make).run();
      int n = 0;
      while (true) {
        try (Result r = s.runner()
            .fetch(image)
            .fetch(parsed.denseValues().get(1))
            .fetch(parsed.denseValues().get(2))
            .fetch(parsed.sparseValues().get(0))
            .fetch(parsed.sparseValues().get(1))
            .fetch(parsed.sparseValues().get(2))
            .run()) {
          Annotations a = ours.get(n);
          TUint8 pixels = (TUint8) r.get(0);
          assertThat(pixels.shape()).isEqualTo(Shape.of(a.height(), a.width(), 3));
          assertThat(((TString) r.get(1)).getObject()).isEqualTo("jpeg");
          assertThat(((TInt64) r.get(2)).getLong()).isEqualTo(a.height());
          TFloat32 xmin = (TFloat32) r.get(3);
          TFloat32 ymax = (TFloat32) r.get(4);
          TInt64 labels = (TInt64) r.get(5);
          assertThat(xmin.shape().size(0)).isEqualTo(a.numBoxes());
          for (int i = 0; i < a.numBoxes(); i++) {
            assertThat(xmin.getFloat(i)).isEqualTo(a.boxes()[4 * i + 1]);
            assertThat(ymax.getFloat(i)).isEqualTo(a.boxes()[4 * i + 2]);
            assertThat(labels.getLong(i)).isEqualTo(a.classes()[i]);
          }
          n++;
        } catch (TFOutOfRangeException end) {
          return n;
        }
      }
    }
  }
}
