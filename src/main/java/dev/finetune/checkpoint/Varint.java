package dev.finetune.checkpoint;

/** Little-endian base-128 varints (LevelDB / protobuf encoding), read with bounds checks. */
final class Varint {
  private Varint() {}

  /** A cursor over a byte range: the varint readers advance {@link #pos}. */
  static final class Cursor {
    final byte[] bytes;
    int pos;
    final int end;

    Cursor(byte[] bytes, int pos, int end) {
      this.bytes = bytes;
      this.pos = pos;
      this.end = end;
    }

    /** Reads a varint of at most 64 bits; {@code -1} (never a valid result here) if malformed. */
    long readVarint64() {
      long result = 0;
      for (int shift = 0; shift <= 63; shift += 7) {
        if (pos >= end) {
          return -1;
        }
        int b = bytes[pos++] & 0xff;
        result |= (long) (b & 0x7f) << shift;
        if (b < 0x80) {
          return result < 0 ? -1 : result;
        }
      }
      return -1;
    }

    /** Reads a varint that must fit in a non-negative int; {@code -1} if malformed or too big. */
    int readVarint32() {
      long v = readVarint64();
      return v < 0 || v > Integer.MAX_VALUE ? -1 : (int) v;
    }
  }

  static int fixed32(byte[] b, int pos) {
    return (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16 | (b[pos + 3] & 0xff) << 24;
  }

  static long fixed64(byte[] b, int pos) {
    return (fixed32(b, pos) & 0xffffffffL) | ((long) fixed32(b, pos + 4) << 32);
  }
}
