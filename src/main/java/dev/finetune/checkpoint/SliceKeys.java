package dev.finetune.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.tensorflow.proto.TensorSliceProto;

/**
 * The index key under which one slice of a TF1 partitioned variable is stored
 * ({@code checkpoint::EncodeTensorNameSlice}): TensorFlow's "OrderedCode" of 0, the variable name,
 * the rank, then the start and length of each dimension (a full dimension is start 0, length -1).
 * Such keys start with a zero byte, which no variable name does.
 */
final class SliceKeys {
  private SliceKeys() {}

  static byte[] encode(String name, TensorSliceProto slice) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeNumIncreasing(out, 0);
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      // 0x00 and 0xff are escaped as two-byte sequences; the name ends with 0x00 0x01.
      if (b == 0) {
        out.write(0);
        out.write(0xff);
      } else if (b == (byte) 0xff) {
        out.write(0xff);
        out.write(0);
      } else {
        out.write(b);
      }
    }
    out.write(0);
    out.write(1);
    writeNumIncreasing(out, slice.getExtentCount());
    for (TensorSliceProto.Extent e : slice.getExtentList()) {
      boolean full = e.getHasLengthCase() != TensorSliceProto.Extent.HasLengthCase.LENGTH;
      writeSignedNumIncreasing(out, full ? 0 : e.getStart());
      writeSignedNumIncreasing(out, full ? -1 : e.getLength());
    }
    return out.toByteArray();
  }

  /**
   * The key as the reader maps slice entries: the binary key as an ISO-8859-1 string (one char
   * per byte, so it round-trips).
   */
  static String lookupKey(String name, TensorSliceProto slice) {
    return new String(encode(name, slice), StandardCharsets.ISO_8859_1);
  }

  /** A length byte, then the value big-endian without leading zero bytes. */
  private static void writeNumIncreasing(ByteArrayOutputStream out, long value) {
    int len = (64 - Long.numberOfLeadingZeros(value) + 7) / 8;
    out.write(len);
    for (int i = len - 1; i >= 0; i--) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
  }

  /** Header bits XORed into the first two bytes, by encoding length 1..10. */
  private static final int[][] HEADER = {
    {0, 0}, {0x80, 0}, {0xc0, 0}, {0xe0, 0}, {0xf0, 0}, {0xf8, 0}, {0xfc, 0}, {0xfe, 0},
    {0xff, 0}, {0xff, 0x80}, {0xff, 0xc0}
  };

  /** A sign bit, unary length bits, then the two's-complement value, so that order is kept. */
  static void writeSignedNumIncreasing(ByteArrayOutputStream out, long value) {
    long x = value < 0 ? ~value : value;
    if (x < 64) {
      out.write((int) (HEADER[1][0] ^ value) & 0xff);
      return;
    }
    int bits = 64 - Long.numberOfLeadingZeros(x); // floor(log2(x)) + 1
    int len = Math.min(10, bits / 7 + 1);
    byte[] buf = new byte[10];
    byte sign = (byte) (value < 0 ? 0xff : 0);
    buf[0] = sign;
    buf[1] = sign;
    for (int i = 0; i < 8; i++) {
      buf[2 + i] = (byte) (value >>> (56 - 8 * i));
    }
    int begin = 10 - len;
    buf[begin] ^= (byte) HEADER[len][0];
    buf[begin + 1] ^= (byte) HEADER[len][1];
    out.write(buf, begin, len);
  }
}
