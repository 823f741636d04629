package dev.finetune.model;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** Small session helpers for model tests. */
public final class TfTestUtil {
  private TfTestUtil() {}

  public static float[] floats(Tensor t) {
    TFloat32 f = (TFloat32) t;
    float[] out = new float[(int) f.size()];
    f.copyTo(DataBuffers.of(out, false, false));
    return out;
  }

  public static TFloat32 tensor(long[] shape, float[] data) {
    return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
  }

  /** Runs every variable's initializer. */
  public static void initialize(Session s, List<ModelVariable> vars) {
    Session.Runner r = s.runner();
    for (ModelVariable v : vars) {
      r.addTarget(v.initializer());
    }
    r.run();
  }

  /** Restores {@code vars} by name from the V2 checkpoint {@code prefix} with RestoreV2 + Assign. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void restore(Session s, Ops tf, List<ModelVariable> vars, String prefix) {
    List<Class<? extends TType>> dtypes = new ArrayList<>();
    String[] names = new String[vars.size()];
    String[] slices = new String[vars.size()];
    for (int i = 0; i < vars.size(); i++) {
      names[i] = vars.get(i).name();
      slices[i] = "";
      dtypes.add(vars.get(i).dtype());
    }
    Restore restore =
        tf.train.restore(
            tf.constant(prefix),
            tf.constant(java.nio.charset.StandardCharsets.UTF_8, names),
            tf.constant(java.nio.charset.StandardCharsets.UTF_8, slices),
            dtypes);
    Session.Runner r = s.runner();
    for (int i = 0; i < vars.size(); i++) {
      r.addTarget(tf.assign((Operand) vars.get(i).variable(), (Operand) restore.tensors().get(i)));
    }
    r.run();
  }

  /** Fetches one float output. */
  public static float[] fetch(Session s, Operand<TFloat32> out, String feedName, Tensor feed) {
    try (Result res = s.runner().feed(feedName, feed).fetch(out).run()) {
      return floats(res.get(0));
    }
  }

  /** Largest absolute difference. */
  public static double maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }

  public static double maxAbs(float[] a) {
    double m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

}
