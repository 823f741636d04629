package dev.finetune.checkpoint;

import java.io.ByteArrayOutputStream;

/**
 * A minimal Snappy compressor for tests (greedy 4-byte matches, 2-byte-offset copies), so tests can
 * build Snappy-compressed index blocks like those of older TensorFlow releases.
 */
final class TestSnappyCompressor {
  private TestSnappyCompressor() {}

  static byte[] compress(byte[] in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = in.length;
    while (n >= 0x80) {
      out.write((int) (n & 0x7f) | 0x80);
      n >>>= 7;
    }
    out.write((int) n);
    int[] table = new int[1 << 12];
    java.util.Arrays.fill(table, -1);
    int i = 0;
    int literalStart = 0;
    while (i + 4 <= in.length) {
      int word = read4(in, i);
      int h = (word * 0x1e35a7bd) >>> 20;
      int candidate = table[h];
      table[h] = i;
      if (candidate >= 0 && i - candidate <= 0xffff && read4(in, candidate) == word) {
        literal(out, in, literalStart, i - literalStart);
        int len = 4;
        while (i + len < in.length && len < 64 && in[candidate + len] == in[i + len]) {
          len++;
        }
        int offset = i - candidate;
        out.write(((len - 1) << 2) | 2);
        out.write(offset & 0xff);
        out.write(offset >>> 8);
        i += len;
        literalStart = i;
      } else {
        i++;
      }
    }
    literal(out, in, literalStart, in.length - literalStart);
    return out.toByteArray();
  }

  private static int read4(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
  }

  private static void literal(ByteArrayOutputStream out, byte[] in, int start, int len) {
    if (len == 0) {
      return;
    }
    int n = len - 1;
    if (n < 60) {
      out.write(n << 2);
    } else {
      int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      out.write((59 + bytes) << 2);
      for (int k = 0; k < bytes; k++) {
        out.write((n >>> (8 * k)) & 0xff);
      }
    }
    out.write(in, start, len);
  }
}
