package dev.finetune.data.tfrecord;

import java.util.zip.CRC32C;

/**
 * The masked CRC32C that TensorFlow stores in TFRecord framing (and in checkpoints): masking keeps
 * a CRC of data that itself contains CRCs from being trivially zero.
 */
public final class MaskedCrc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private MaskedCrc32c() {}

  /** The masked CRC32C of {@code length} bytes of {@code bytes} from {@code offset}. */
  public static int of(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return mask((int) crc.getValue());
  }

  public static int of(byte[] bytes) {
    return of(bytes, 0, bytes.length);
  }

  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  public static int unmask(int masked) {
    int rotated = masked - MASK_DELTA;
    return (rotated >>> 17) | (rotated << 15);
  }
}
