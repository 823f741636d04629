package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint16;
import org.tensorflow.types.TUint8;

/**
 * Checkpoints written by TensorFlow Java's own {@code Session.save} (the TensorFlow C++ bundle
 * writer) read back bit-identical, for every dtype TF Java can make.
 */
class SessionSaveRoundTripTest {
  @TempDir static Path dir;
  static Path prefix;
  /** Variable name to the bytes TensorFlow holds for it (little-endian, as in memory). */
  static final Map<String, byte[]> expectedBytes = new LinkedHashMap<>();
  static final Map<String, DataType> expectedDtype = new LinkedHashMap<>();
  static final Map<String, Shape> expectedShape = new LinkedHashMap<>();
  static String[] expectedStrings;

  @BeforeAll
  static void save() {
    prefix = dir.resolve("model.ckpt-7");
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Ops scope = tf.withSubScope("FeatureExtractor").withSubScope("Conv2d_0");
      Map<String, Variable<?>> vars = new LinkedHashMap<>();
      vars.put("FeatureExtractor/Conv2d_0/weights",
          scope.withName("weights").variable(tf.constant(new float[][] {
              {1.5f, -2.25f, Float.MIN_VALUE}, {Float.MAX_VALUE, -0f, 3.1415927f}})));
      vars.put("double", tf.withName("double").variable(tf.constant(new double[] {1e-300, -7.5, Math.E, 0})));
      vars.put("int32", tf.withName("int32").variable(tf.constant(new int[][] {{1, -2}, {Integer.MAX_VALUE, Integer.MIN_VALUE}})));
      vars.put("global_step", tf.withName("global_step").variable(tf.constant(1200L)));
      vars.put("int64", tf.withName("int64").variable(tf.constant(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE})));
      vars.put("uint8", tf.withName("uint8").variable(
          tf.dtypes.cast(tf.constant(new int[] {0, 1, 127, 128, 255}), TUint8.class)));
      vars.put("uint16", tf.withName("uint16").variable(
          tf.dtypes.cast(tf.constant(new int[] {0, 65535, 1234}), TUint16.class)));
      vars.put("bool", tf.withName("bool").variable(tf.constant(new boolean[] {true, false, true, true})));
      vars.put("half", tf.withName("half").variable(
          tf.dtypes.cast(tf.constant(new float[] {0.5f, -65504f, 6.1035156e-05f, 1.0009766f}), TFloat16.class)));
      vars.put("bfloat16", tf.withName("bfloat16").variable(
          tf.dtypes.cast(tf.constant(new float[] {0.5f, -3.0e38f, 1.0078125f}), TBfloat16.class)));
      expectedStrings = new String[] {"", "hello", "naïve ✓", "x".repeat(300)};
      vars.put("strings", tf.withName("strings").variable(
          tf.constant(NdArrays.vectorOfObjects(expectedStrings))));
      vars.put("empty", tf.withName("empty").variable(tf.zeros(tf.constant(new int[] {0, 3}), org.tensorflow.types.TFloat32.class)));
      s.initialize();
      for (Map.Entry<String, Variable<?>> v : vars.entrySet()) {
        try (Result r = s.runner().fetch(v.getValue()).run()) {
          Tensor t = r.get(0);
          expectedDtype.put(v.getKey(), t.dataType());
          expectedShape.put(v.getKey(), t.shape());
          if (t.dataType() != DataType.DT_STRING) {
            byte[] b = new byte[(int) t.numBytes()];
            t.asRawTensor().data().read(b);
            expectedBytes.put(v.getKey(), b);
          }
        }
      }
      s.save(prefix.toString());
    }
  }

  @Test
  void listsEveryVariableWithDtypeAndShape() {
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.layout()).isEqualTo(CheckpointLayout.TF1);
      assertThat(r.entries()).extracting(TensorEntry::name)
          .containsExactlyInAnyOrderElementsOf(expectedDtype.keySet());
      for (TensorEntry e : r.entries()) {
        assertThat(e.dtype()).as(e.name()).isEqualTo(expectedDtype.get(e.name()));
        assertThat(Shape.of(e.shape())).as(e.name()).isEqualTo(expectedShape.get(e.name()));
      }
    }
  }

  @Test
  void readsEveryFixedSizeTensorBitIdentical() {
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      for (Map.Entry<String, byte[]> e : expectedBytes.entrySet()) {
        assertThat(r.readBytes(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        try (Tensor t = r.toTensor(e.getKey())) {
          byte[] b = new byte[(int) t.numBytes()];
          t.asRawTensor().data().read(b);
          assertThat(b).as(e.getKey()).isEqualTo(e.getValue());
          assertThat(t.shape()).isEqualTo(expectedShape.get(e.getKey()));
        }
      }
    }
  }

  @Test
  void typedReadsDecodeTheValues() {
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.readFloats("FeatureExtractor/Conv2d_0/weights"))
          .containsExactly(1.5f, -2.25f, Float.MIN_VALUE, Float.MAX_VALUE, -0f, 3.1415927f);
      assertThat(r.readDoubles("double")).containsExactly(1e-300, -7.5, Math.E, 0);
      assertThat(r.readInts("int32")).containsExactly(1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE);
      assertThat(r.readLongs("global_step")).containsExactly(1200L);
      assertThat(r.readLongs("int64")).containsExactly(Long.MIN_VALUE, 0, Long.MAX_VALUE);
      assertThat(r.readInts("uint8")).containsExactly(0, 1, 127, 128, 255);
      assertThat(r.readInts("uint16")).containsExactly(0, 65535, 1234);
      assertThat(r.readBooleans("bool")).containsExactly(true, false, true, true);
      // These values are exact in half / bfloat16, so widening must give them back.
      assertThat(r.readFloats("half")).containsExactly(0.5f, -65504f, 6.1035156e-05f, 1.0009766f);
      assertThat(r.readFloats("bfloat16")[0]).isEqualTo(0.5f);
      assertThat(r.readFloats("bfloat16")[2]).isEqualTo(1.0078125f);
      assertThat(r.readFloats("empty")).isEmpty();
      byte[][] strings = r.readStrings("strings");
      assertThat(strings.length).isEqualTo(expectedStrings.length);
      for (int i = 0; i < strings.length; i++) {
        assertThat(new String(strings[i], StandardCharsets.UTF_8)).isEqualTo(expectedStrings[i]);
      }
      try (TString t = (TString) r.toTensor("strings")) {
        assertThat(t.getObject(3)).isEqualTo(expectedStrings[3]);
      }
    }
  }

  @Test
  void readsTheValuesTensorFlowRestores() {
    // The reader's tensor feeds TensorFlow: restoring the same checkpoint gives the same bytes.
    try (CheckpointReader r = CheckpointReader.open(prefix);
        Graph g = new Graph();
        Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<?> restored = tf.train.restore(tf.constant(prefix.toString()),
          tf.constant(NdArrays.vectorOfObjects("FeatureExtractor/Conv2d_0/weights")),
          tf.constant(NdArrays.vectorOfObjects("")), java.util.List.of(org.tensorflow.types.TFloat32.class))
          .tensors().get(0);
      try (Result res = s.runner().fetch(restored).run(); Tensor mine = r.toTensor("FeatureExtractor/Conv2d_0/weights")) {
        byte[] a = new byte[(int) res.get(0).numBytes()];
        res.get(0).asRawTensor().data().read(a);
        byte[] b = new byte[(int) mine.numBytes()];
        mine.asRawTensor().data().read(b);
        assertThat(b).isEqualTo(a);
      }
    }
  }
}
