package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnappyTest {
  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  private static String decompress(byte[] in) throws Snappy.FormatException {
    return new String(Snappy.decompress(in, 0, in.length, 1 << 20), StandardCharsets.ISO_8859_1);
  }

  @Test
  void decodesEachElementKindWrittenByHandFromTheFormatDescription() throws Exception {
    // Literal of 3 bytes: tag (3-1)<<2.
    assertThat(decompress(bytes(3, 0x08, 'a', 'b', 'c'))).isEqualTo("abc");
    // 1-byte-offset copy overlapping its own output: "a" then copy offset 1, length 9.
    assertThat(decompress(bytes(10, 0x00, 'a', ((9 - 4) << 2) | 1, 1))).isEqualTo("a".repeat(10));
    // 2-byte-offset copy: "abcd" then copy offset 4, length 6 (overlapping).
    assertThat(decompress(bytes(10, 0x0c, 'a', 'b', 'c', 'd', ((6 - 1) << 2) | 2, 4, 0)))
        .isEqualTo("abcdabcdab");
    // 4-byte-offset copy.
    assertThat(decompress(bytes(8, 0x0c, 'a', 'b', 'c', 'd', ((4 - 1) << 2) | 3, 4, 0, 0, 0)))
        .isEqualTo("abcdabcd");
    // Literal whose length (100) needs one extra byte; a two-byte preamble (200).
    byte[] lit = new byte[3 + 100];
    lit[0] = 100;
    lit[1] = (byte) (60 << 2);
    lit[2] = 99;
    java.util.Arrays.fill(lit, 3, lit.length, (byte) 'z');
    assertThat(decompress(lit)).isEqualTo("z".repeat(100));
    // 1-byte-offset copy with the high offset bits in the tag: offset 256 + 0 = 256, after a
    // 256-byte literal; preamble 260 = varint 0x84 0x02.
    java.io.ByteArrayOutputStream s = new java.io.ByteArrayOutputStream();
    s.write(0x84);
    s.write(0x02);
    s.write(60 << 2);
    s.write(255);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 256; i++) {
      s.write('a' + i % 26);
      expected.append((char) ('a' + i % 26));
    }
    s.write((1 << 5) | ((4 - 4) << 2) | 1); // offset high bits 1, length 4
    s.write(0); // offset low byte
    expected.append(expected, 0, 4);
    assertThat(decompress(s.toByteArray())).isEqualTo(expected.toString());
  }

  @Test
  void roundTripsTheTestCompressor() throws Exception {
    Random random = new Random(1);
    for (int t = 0; t < 200; t++) {
      byte[] data = new byte[random.nextInt(3000)];
      int alphabet = 1 + random.nextInt(t % 2 == 0 ? 4 : 256);
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) random.nextInt(alphabet);
      }
      byte[] c = TestSnappyCompressor.compress(data);
      assertThat(Snappy.decompress(c, 0, c.length, 1 << 20)).isEqualTo(data);
    }
  }

  @Test
  void rejectsCorruptInput() {
    assertThatThrownBy(() -> decompress(bytes(4, 0x00, 'a', 0x01, 0)))
        .isInstanceOf(Snappy.FormatException.class).hasMessageContaining("offset 0");
    assertThatThrownBy(() -> decompress(bytes(6, 0x00, 'a', 0x05, 2)))
        .isInstanceOf(Snappy.FormatException.class).hasMessageContaining("offset 2");
    assertThatThrownBy(() -> decompress(bytes(5, 0x08, 'a', 'b', 'c')))
        .isInstanceOf(Snappy.FormatException.class).hasMessageContaining("preamble says 5");
    assertThatThrownBy(() -> decompress(bytes(3, 0x10, 'a', 'b', 'c')))
        .isInstanceOf(Snappy.FormatException.class).hasMessageContaining("runs past");
    assertThatThrownBy(() -> decompress(bytes(0x80, 0x80)))
        .isInstanceOf(Snappy.FormatException.class).hasMessageContaining("preamble");
    assertThatThrownBy(() -> decompress(bytes(0xff, 0xff, 0xff, 0xff, 0x0f)))
        .isInstanceOf(Snappy.FormatException.class).hasMessageContaining("limit");
  }

  @Test
  void randomGarbageFailsCleanly() {
    Random random = new Random(2);
    byte[] good = TestSnappyCompressor.compress(
        "the quick brown fox jumps over the lazy dog ".repeat(20).getBytes(StandardCharsets.US_ASCII));
    for (int t = 0; t < 5000; t++) {
      byte[] bad = good.clone();
      for (int k = 0; k <= random.nextInt(3); k++) {
        bad[random.nextInt(bad.length)] ^= (byte) (1 << random.nextInt(8));
      }
      int len = random.nextInt(4) == 0 ? random.nextInt(bad.length) : bad.length;
      try {
        Snappy.decompress(bad, 0, len, 1 << 16);
      } catch (Snappy.FormatException expected) {
        // The only acceptable failure.
      }
    }
  }
}
