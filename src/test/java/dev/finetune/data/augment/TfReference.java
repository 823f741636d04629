package dev.finetune.data.augment;

import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Runs a TensorFlow op eagerly on a [1, H, W, 3] (or [H, W, 3]) float image: the reference. */
final class TfReference {
  private TfReference() {}

  static float[] run(float[] pixels, long[] shape, int outLength,
      java.util.function.BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> op) {
    try (EagerSession session = EagerSession.create()) {
      Ops tf = Ops.create(session);
      Operand<TFloat32> image = tf.constant(Shape.of(shape), DataBuffers.of(pixels, true, false));
      Operand<TFloat32> result = op.apply(tf, image);
      float[] out = new float[outLength];
      // The eager session owns (and frees) the result tensor.
      result.asTensor().copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths " + a.length + " vs " + b.length);
    }
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  static float[] randomImage(java.util.Random rng, int h, int w) {
    float[] p = new float[h * w * 3];
    for (int i = 0; i < p.length; i++) {
      p[i] = rng.nextInt(256);
    }
    return p;
  }

}
