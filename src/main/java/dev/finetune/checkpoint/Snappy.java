package dev.finetune.checkpoint;

/**
 * A Snappy block decompressor (the raw format, no framing), enough for the Snappy-compressed blocks
 * of checkpoint index tables. Every length and offset is checked, so corrupt input fails with a
 * {@link FormatException} and never reads or writes out of bounds.
 */
final class Snappy {
  /** Input that is not a valid Snappy block. */
  static final class FormatException extends Exception {
    FormatException(String message) {
      super(message);
    }
  }

  private Snappy() {}

  /**
   * Decompresses {@code in[offset, offset + length)}.
   *
   * @param maxLength the largest uncompressed size accepted, so a corrupt length cannot make us
   *     allocate gigabytes
   */
  static byte[] decompress(byte[] in, int offset, int length, int maxLength)
      throws FormatException {
    int end = offset + length;
    int pos = offset;
    // Preamble: the uncompressed length as a varint32.
    long expected = 0;
    for (int shift = 0; ; shift += 7) {
      if (pos >= end || shift > 28) {
        throw new FormatException("bad uncompressed-length preamble");
      }
      int b = in[pos++] & 0xff;
      expected |= (long) (b & 0x7f) << shift;
      if (b < 0x80) {
        break;
      }
    }
    if (expected > maxLength) {
      throw new FormatException(
          "uncompressed length " + expected + " is larger than the limit " + maxLength);
    }
    byte[] out = new byte[(int) expected];
    int op = 0;
    while (pos < end) {
      int tag = in[pos++] & 0xff;
      int kind = tag & 3;
      if (kind == 0) {
        int len = tag >>> 2;
        if (len >= 60) {
          int extra = len - 59;
          if (pos + extra > end) {
            throw new FormatException("truncated literal length");
          }
          long l = 0;
          for (int i = 0; i < extra; i++) {
            l |= (long) (in[pos++] & 0xff) << (8 * i);
          }
          len = (int) Math.min(l, Integer.MAX_VALUE - 1);
        }
        len += 1;
        if (len > end - pos || len > out.length - op) {
          throw new FormatException("literal of " + len + " bytes runs past the end");
        }
        System.arraycopy(in, pos, out, op, len);
        pos += len;
        op += len;
        continue;
      }
      int len;
      long copyOffset;
      if (kind == 1) {
        if (pos + 1 > end) {
          throw new FormatException("truncated copy");
        }
        len = 4 + ((tag >>> 2) & 7);
        copyOffset = ((tag >>> 5) << 8) | (in[pos++] & 0xff);
      } else {
        int bytes = kind == 2 ? 2 : 4;
        if (pos + bytes > end) {
          throw new FormatException("truncated copy");
        }
        len = 1 + (tag >>> 2);
        copyOffset = 0;
        for (int i = 0; i < bytes; i++) {
          copyOffset |= (long) (in[pos++] & 0xff) << (8 * i);
        }
      }
      if (copyOffset == 0 || copyOffset > op) {
        throw new FormatException("copy offset " + copyOffset + " outside the " + op + " bytes written");
      }
      if (len > out.length - op) {
        throw new FormatException("copy of " + len + " bytes runs past the end");
      }
      int from = op - (int) copyOffset;
      // Byte by byte: a copy may overlap the bytes it produces (run-length encoding).
      for (int i = 0; i < len; i++) {
        out[op++] = out[from + i];
      }
    }
    if (op != out.length) {
      throw new FormatException("decompressed " + op + " bytes but the preamble says " + out.length);
    }
    return out;
  }
}
