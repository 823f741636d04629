package dev.finetune.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.tensorflow.proto.DataType;

/**
 * What the checkpoint reader knows about each TensorFlow dtype: its name, its stored size, and how
 * its stored elements convert (byte order, half and bfloat16 to float).
 */
public final class Dtypes {
  private Dtypes() {}

  /** TensorFlow's own short name ({@code DataTypeString}): "float", "int64", "string", ... */
  public static String name(DataType dtype) {
    return switch (dtype) {
      case DT_FLOAT -> "float";
      case DT_DOUBLE -> "double";
      case DT_INT32 -> "int32";
      case DT_UINT8 -> "uint8";
      case DT_INT16 -> "int16";
      case DT_INT8 -> "int8";
      case DT_STRING -> "string";
      case DT_COMPLEX64 -> "complex64";
      case DT_INT64 -> "int64";
      case DT_BOOL -> "bool";
      case DT_QINT8 -> "qint8";
      case DT_QUINT8 -> "quint8";
      case DT_QINT32 -> "qint32";
      case DT_BFLOAT16 -> "bfloat16";
      case DT_QINT16 -> "qint16";
      case DT_QUINT16 -> "quint16";
      case DT_UINT16 -> "uint16";
      case DT_COMPLEX128 -> "complex128";
      case DT_HALF -> "half";
      case DT_RESOURCE -> "resource";
      case DT_VARIANT -> "variant";
      case DT_UINT32 -> "uint32";
      case DT_UINT64 -> "uint64";
      case DT_FLOAT8_E5M2 -> "float8_e5m2";
      case DT_FLOAT8_E4M3FN -> "float8_e4m3fn";
      case DT_INT4 -> "int4";
      case DT_UINT4 -> "uint4";
      default -> "invalid";
    };
  }

  /**
   * Bytes per element as stored in a data file; 0 for the variable-length dtypes (string, variant,
   * resource) and -1 for dtypes the reader does not know.
   */
  public static int elementSize(DataType dtype) {
    return switch (dtype) {
      case DT_INT8, DT_UINT8, DT_BOOL, DT_QINT8, DT_QUINT8, DT_FLOAT8_E5M2, DT_FLOAT8_E4M3FN,
          DT_INT4, DT_UINT4 -> 1;
      case DT_INT16, DT_UINT16, DT_HALF, DT_BFLOAT16, DT_QINT16, DT_QUINT16 -> 2;
      case DT_FLOAT, DT_INT32, DT_UINT32, DT_QINT32 -> 4;
      case DT_DOUBLE, DT_INT64, DT_UINT64, DT_COMPLEX64 -> 8;
      case DT_COMPLEX128 -> 16;
      case DT_STRING, DT_VARIANT, DT_RESOURCE -> 0;
      default -> -1;
    };
  }

  /** The size of one byte-swap unit (a complex number swaps its two halves separately). */
  private static int swapUnit(DataType dtype) {
    return switch (dtype) {
      case DT_COMPLEX64 -> 4;
      case DT_COMPLEX128 -> 8;
      default -> elementSize(dtype);
    };
  }

  /**
   * Puts the elements of dtype {@code dtype} in {@code bytes} (position to limit), stored in byte
   * order {@code order}, into little-endian order in place: TensorFlow's in-memory order.
   */
  static void swapToLittleEndian(ByteBuffer bytes, ByteOrder order, DataType dtype) {
    int unit = swapUnit(dtype);
    if (order == ByteOrder.LITTLE_ENDIAN || unit <= 1) {
      return;
    }
    for (int i = bytes.position(); i + unit <= bytes.limit(); i += unit) {
      for (int a = i, b = i + unit - 1; a < b; a++, b--) {
        byte t = bytes.get(a);
        bytes.put(a, bytes.get(b));
        bytes.put(b, t);
      }
    }
  }

  /** Whether the reader turns values of this dtype into Java values (resource, variant: no). */
  public static boolean isDecodable(DataType dtype) {
    return switch (dtype) {
      case DT_RESOURCE, DT_VARIANT, DT_FLOAT8_E5M2, DT_FLOAT8_E4M3FN, DT_INT4, DT_UINT4,
          DT_INVALID, UNRECOGNIZED -> false;
      default -> true;
    };
  }

  /** IEEE 754 half precision to float (exact). */
  static float halfToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** bfloat16 to float (exact: bfloat16 is the top half of a float). */
  static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
