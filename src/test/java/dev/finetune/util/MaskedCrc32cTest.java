package dev.finetune.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MaskedCrc32cTest {
  @Test
  void plainCrcIsCrc32c() {
    // The standard CRC-32C check value.
    byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
    assertThat(MaskedCrc32c.crc(b, 0, b.length)).isEqualTo(0xe3069283);
    assertThat(MaskedCrc32c.crc(ByteBuffer.wrap(b))).isEqualTo(0xe3069283);
  }

  @Test
  void maskMatchesWhatTensorFlowStored() {
    // tf1_half_plus_two: tensor "a" holds the float 0.5 (bytes 00 00 00 3f) and its index entry
    // stores the masked CRC32C 0x1f273806.
    byte[] half = {0, 0, 0, 0x3f};
    assertThat(MaskedCrc32c.maskedCrc(half)).isEqualTo(0x1f273806);
    assertThat(MaskedCrc32c.unmask(0x1f273806)).isEqualTo(MaskedCrc32c.crc(half, 0, 4));
  }

  @Test
  void unmaskInvertsMask() {
    for (int v : new int[] {0, 1, -1, 0x12345678, 0x80000000, 0xa282ead8}) {
      assertThat(MaskedCrc32c.unmask(MaskedCrc32c.mask(v))).isEqualTo(v);
    }
  }
}
