package dev.finetune.checkpoint;

import java.math.BigInteger;

/**
 * The values of one tensor read from a checkpoint, as a Java array in row-major order.
 *
 * <p>The array's type follows the dtype: {@code float[]} for float, half and bfloat16 (widened
 * exactly); {@code double[]} for double; {@code int[]} for int8, int16, int32, uint8, uint16 and
 * the quantized ints; {@code long[]} for int64, uint32 and uint64 (uint64 as raw bits: see {@link
 * #isUnsigned64()}); {@code boolean[]} for bool; {@code byte[][]} for string; complex64 and
 * complex128 as {@code float[]} / {@code double[]} of interleaved (real, imaginary) pairs.
 */
public record TensorData(TensorEntry entry, Object values) {

  /** The number of elements (a complex number counts once). */
  public long size() {
    return entry.numElements();
  }

  public boolean isComplex() {
    return switch (entry.dtype()) {
      case DT_COMPLEX64, DT_COMPLEX128 -> true;
      default -> false;
    };
  }

  public boolean isUnsigned64() {
    return entry.dtype() == org.tensorflow.proto.DataType.DT_UINT64;
  }

  public boolean isString() {
    return values instanceof byte[][];
  }

  /**
   * Element {@code i} as a double, for statistics; for a complex tensor, its real part; for bool, 0
   * or 1. Strings have no numeric value.
   */
  public double getDouble(int i) {
    if (isComplex()) {
      i *= 2;
    }
    if (values instanceof float[] a) {
      return a[i];
    } else if (values instanceof double[] a) {
      return a[i];
    } else if (values instanceof int[] a) {
      return a[i];
    } else if (values instanceof long[] a) {
      return isUnsigned64() && a[i] < 0 ? (double) (a[i] >>> 1) * 2.0 + (a[i] & 1) : a[i];
    } else if (values instanceof boolean[] a) {
      return a[i] ? 1 : 0;
    }
    throw new IllegalStateException("string tensor " + entry.name() + " has no numeric values");
  }

  /**
   * Element {@code i} as a Java object: Float, Double, Integer, Long, BigInteger (uint64 beyond
   * Long.MAX_VALUE), Boolean, byte[] (string), or a two-element array for complex numbers.
   */
  public Object get(int i) {
    if (isComplex()) {
      if (values instanceof float[] a) {
        return new float[] {a[2 * i], a[2 * i + 1]};
      }
      double[] a = (double[]) values;
      return new double[] {a[2 * i], a[2 * i + 1]};
    }
    if (values instanceof float[] a) {
      return a[i];
    } else if (values instanceof double[] a) {
      return a[i];
    } else if (values instanceof int[] a) {
      return a[i];
    } else if (values instanceof long[] a) {
      if (isUnsigned64() && a[i] < 0) {
        return new BigInteger(Long.toUnsignedString(a[i]));
      }
      return a[i];
    } else if (values instanceof boolean[] a) {
      return a[i];
    }
    return ((byte[][]) values)[i];
  }
}
