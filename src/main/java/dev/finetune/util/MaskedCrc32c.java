package dev.finetune.util;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C as TensorFlow stores it: checkpoint blocks and tensors, TFRecord framing and event files
 * all keep a "masked" CRC32C, rotated and offset so that a CRC stored inside data that is itself
 * checksummed does not produce trivial collisions. This is the one place the mask is defined.
 */
public final class MaskedCrc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private MaskedCrc32c() {}

  /** The mask TensorFlow applies before storing a CRC ({@code crc32c::Mask}). */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** Undoes {@link #mask}: the plain CRC32C of a stored masked value. */
  public static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }

  /** Plain (unmasked) CRC32C of {@code bytes[offset, offset + length)}. */
  public static int crc(byte[] bytes, int offset, int length) {
    CRC32C c = new CRC32C();
    c.update(bytes, offset, length);
    return (int) c.getValue();
  }

  /** Plain (unmasked) CRC32C of the remaining bytes of {@code buffer}; its position is unchanged. */
  public static int crc(ByteBuffer buffer) {
    CRC32C c = new CRC32C();
    c.update(buffer.duplicate());
    return (int) c.getValue();
  }

  /** The masked CRC32C of {@code bytes[offset, offset + length)}, as TensorFlow stores it. */
  public static int maskedCrc(byte[] bytes, int offset, int length) {
    return mask(crc(bytes, offset, length));
  }

  /** The masked CRC32C of all of {@code bytes}. */
  public static int maskedCrc(byte[] bytes) {
    return maskedCrc(bytes, 0, bytes.length);
  }
}
