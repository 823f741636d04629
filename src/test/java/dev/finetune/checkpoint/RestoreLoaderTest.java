package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.checkpoint.RestoreLoader.Method;
import dev.finetune.checkpoint.RestorePlan.Options;
import dev.finetune.checkpoint.RestorePlan.Variable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * Loading a plan into graph variables: values bit-identical to the checkpoint's for every dtype
 * TF Java has, through both methods; unrestored variables keep their initial values.
 */
class RestoreLoaderTest {
  @TempDir static Path dir;
  static Path prefix;

  /** Writes a checkpoint through TensorFlow's own saver: awkward values of several dtypes. */
  @BeforeAll
  static void save() {
    prefix = dir.resolve("model.ckpt-3");
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Ops fe = tf.withSubScope("FeatureExtractor").withSubScope("Conv2d_0");
      fe.withName("weights").variable(tf.constant(new float[][] {
          {1.5f, -2.25f, Float.MIN_VALUE}, {Float.MAX_VALUE, -0f, Float.NaN}}));
      fe.withName("weights_ema").variable(tf.constant(new float[][] {{9, 9, 9}, {9, 9, 9}}));
      tf.withName("float64").variable(tf.constant(new double[] {1e-300, -7.5, Math.E}));
      tf.withName("int32").variable(tf.constant(new int[] {Integer.MIN_VALUE, 0, Integer.MAX_VALUE}));
      tf.withName("int64").variable(tf.constant(new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}));
      tf.withName("uint8").variable(tf.dtypes.cast(tf.constant(new int[] {0, 200, 255}), TUint8.class));
      tf.withName("half").variable(
          tf.dtypes.cast(tf.constant(new float[] {0.5f, -65504f, 6.1035156e-05f}), TFloat16.class));
      tf.withName("bfloat16").variable(
          tf.dtypes.cast(tf.constant(new float[] {0.5f, -3.0e38f, 1.0078125f}), TBfloat16.class));
      tf.withName("bool").variable(tf.constant(new boolean[] {true, false, true}));
      tf.withName("global_step").variable(tf.constant(77L));
      s.initialize();
      s.save(prefix.toString());
    }
  }

  /** A "model" graph with the same names, zero-initialized, plus one variable not in the file. */
  record Model(Graph graph, Map<String, Operand<?>> vars, List<Variable> specs, List<Operand<?>> inits) {}

  static Model model(Graph g) {
    Ops tf = Ops.create(g);
    Map<String, Operand<?>> vars = new LinkedHashMap<>();
    List<Variable> specs = new ArrayList<>();
    List<Operand<?>> inits = new ArrayList<>();
    Ops fe = tf.withSubScope("FeatureExtractor").withSubScope("Conv2d_0");
    add(tf, fe.withName("weights"), "FeatureExtractor/Conv2d_0/weights", TFloat32.class, new long[] {2, 3}, vars, specs, inits);
    add(tf, fe.withName("beta"), "FeatureExtractor/Conv2d_0/beta", TFloat32.class, new long[] {3}, vars, specs, inits);
    add(tf, tf.withName("float64"), "float64", TFloat64.class, new long[] {3}, vars, specs, inits);
    add(tf, tf.withName("int32"), "int32", TInt32.class, new long[] {3}, vars, specs, inits);
    add(tf, tf.withName("int64"), "int64", TInt64.class, new long[] {3}, vars, specs, inits);
    add(tf, tf.withName("uint8"), "uint8", TUint8.class, new long[] {3}, vars, specs, inits);
    add(tf, tf.withName("half"), "half", TFloat16.class, new long[] {3}, vars, specs, inits);
    add(tf, tf.withName("bfloat16"), "bfloat16", TBfloat16.class, new long[] {3}, vars, specs, inits);
    add(tf, tf.withName("global_step"), "global_step", TInt64.class, new long[] {}, vars, specs, inits);
    return new Model(g, vars, specs, inits);
  }

  private static <T extends TType> void add(Ops tf, Ops named, String name, Class<T> type, long[] shape,
      Map<String, Operand<?>> vars, List<Variable> specs, List<Operand<?>> inits) {
    var v = named.variable(org.tensorflow.ndarray.Shape.of(shape), type);
    vars.put(name, v);
    specs.add(new Variable(name, shape, type.getSimpleName()));
    inits.add(tf.assign(v, tf.zeros(tf.constant(shape), type)));
  }

  static Map<String, String> everyVariableButGlobalStep(Model m) {
    Map<String, String> sel = new LinkedHashMap<>();
    m.specs().forEach(v -> {
      if (!v.name().equals("global_step")) {
        sel.put(v.name(), v.name());
      }
    });
    return sel;
  }

  static byte[] bytes(Session s, Operand<?> v) {
    try (Result r = s.runner().fetch(v).run()) {
      Tensor t = r.get(0);
      byte[] b = new byte[(int) t.numBytes()];
      t.asRawTensor().data().read(b);
      return b;
    }
  }

  @ParameterizedTest
  @EnumSource(Method.class)
  void restoresBitIdenticalValuesOfEveryDtype(Method method) {
    try (Graph g = new Graph(); CheckpointReader reader = CheckpointReader.open(prefix)) {
      Model m = model(g);
      RestorePlan plan = RestorePlan.plan(reader, "detection", m.specs(),
          everyVariableButGlobalStep(m), Options.defaults());
      assertThat(plan.restoredCount()).isEqualTo(7); // beta: not in checkpoint; global_step: never
      RestoreLoader loader = RestoreLoader.build(g, plan, m.vars(), method);
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        m.inits().forEach(init::addTarget);
        init.run().close();
        assertThat(loader.load(s, reader)).isEqualTo(7);
        for (RestorePlan.Entry e : plan.restored()) {
          assertThat(bytes(s, m.vars().get(e.name()))).as(e.name())
              .isEqualTo(reader.readBytes(e.sourceKey()));
        }
        assertThat(bytes(s, m.vars().get("FeatureExtractor/Conv2d_0/beta"))).containsOnly(0);
        assertThat(bytes(s, m.vars().get("global_step"))).containsOnly(0);
      }
    }
  }

  @Test
  void restoresAMovingAverageShadowIntoTheVariable() throws Exception {
    // A checkpoint with W and W/ExponentialMovingAverage, written by hand.
    Path ckpt = new TestBundles().floats("w", 1, 2, 3).floats("w/ExponentialMovingAverage", 100, 2, 3)
        .write(dir.resolve("ema.ckpt"));
    try (Graph g = new Graph(); CheckpointReader reader = CheckpointReader.open(ckpt)) {
      Ops tf = Ops.create(g);
      var w = tf.withName("w").variable(org.tensorflow.ndarray.Shape.of(2, 3), TFloat32.class);
      RestorePlan plan = RestorePlan.plan(reader, "detection",
          List.of(new Variable("w", new long[] {2, 3}, "float32")), Map.of("w", "w"),
          RestorePlan.Options.defaults().withMovingAverages(true));
      RestoreLoader loader = RestoreLoader.build(g, plan, Map.of("w", w));
      try (Session s = new Session(g)) {
        loader.load(s, reader);
        try (Result r = s.runner().fetch(w).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          assertThat(t.getFloat(0, 0)).isEqualTo(100f);
          assertThat(t.getFloat(1, 2)).isEqualTo(105f);
        }
      }
    }
  }

  @Test
  void refusesAPlanWithoutItsGraphVariablesOrAnotherCheckpoint() throws Exception {
    try (Graph g = new Graph(); CheckpointReader reader = CheckpointReader.open(prefix)) {
      Model m = model(g);
      RestorePlan plan = RestorePlan.plan(reader, "detection", m.specs(),
          everyVariableButGlobalStep(m), Options.defaults());
      Map<String, Operand<?>> missing = new LinkedHashMap<>(m.vars());
      missing.remove("int64");
      assertThatThrownBy(() -> RestoreLoader.build(g, plan, missing))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int64");
      Map<String, Operand<?>> swapped = new LinkedHashMap<>(m.vars());
      swapped.put("int64", m.vars().get("float64"));
      assertThatThrownBy(() -> RestoreLoader.build(g, plan, swapped))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DT_DOUBLE");
      RestoreLoader loader = RestoreLoader.build(g, plan, m.vars());
      Path other = new TestBundles().floats("x", 0, 1).write(dir.resolve("other.ckpt"));
      try (Session s = new Session(g); CheckpointReader o = CheckpointReader.open(other)) {
        assertThatThrownBy(() -> loader.load(s, o)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("the plan was made for");
      }
    }
  }
}
