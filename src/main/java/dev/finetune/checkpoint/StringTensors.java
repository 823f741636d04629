package dev.finetune.checkpoint;

import dev.finetune.util.MaskedCrc32c;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads string tensors. Their stored layout: one varint64 length per element, the masked CRC32C of
 * those lengths, then the string bytes back to back. The entry's CRC covers the lengths as
 * fixed-width integers (uint32, or uint64 when large), the length CRC's 4 bytes and the string
 * bytes.
 */
final class StringTensors {
  private StringTensors() {}

  /** Reads unsliced string tensor {@code e} from {@code shards}: one byte array per element. */
  static byte[][] read(DataShards shards, TensorEntry e) {
    if (e.isSliced()) {
      throw new CheckpointException(
          "tensor '" + e.name() + "' in " + shards.prefix() + " is a partitioned string tensor;"
              + " reading partitioned string tensors is not supported.");
    }
    int n = JavaArrays.checkedLength(e, 1, shards.prefix());
    if (e.sizeBytes() > JavaArrays.MAX_LENGTH) {
      throw JavaArrays.tooLarge(e, shards.prefix());
    }
    byte[] raw = shards.readWhole(e);
    return decode(shards, e, raw, n);
  }

  private static byte[][] decode(DataShards shards, TensorEntry e, byte[] raw, int n) {
    byte[][] out = new byte[n][];
    if (n == 0 && raw.length == 0) {
      return out;
    }
    CRC32C crc = new CRC32C();
    Varint.Cursor c = new Varint.Cursor(raw, 0, raw.length);
    long[] lengths = new long[n];
    long total = 0;
    ByteBuffer scratch = ByteBuffer.allocate(8).order(shards.order());
    for (int i = 0; i < n; i++) {
      long len = c.readVarint64();
      if (len < 0 || len > raw.length) {
        throw corrupt(shards, e, "string length " + i + " is malformed", c.pos);
      }
      lengths[i] = len;
      total += len;
      scratch.clear();
      if (len <= 0xffffffffL) {
        scratch.putInt((int) len);
      } else {
        scratch.putLong(len);
      }
      crc.update(scratch.array(), 0, scratch.position());
    }
    if (c.pos + 4 > raw.length) {
      throw corrupt(shards, e, "the string lengths run past the tensor's bytes", c.pos);
    }
    int storedLengthCrc = ByteBuffer.wrap(raw, c.pos, 4).order(shards.order()).getInt();
    if (shards.verifyChecksums() && MaskedCrc32c.unmask(storedLengthCrc) != (int) crc.getValue()) {
      throw corrupt(shards, e, "checksum mismatch in the string lengths", c.pos);
    }
    crc.update(raw, c.pos, 4);
    int pos = c.pos + 4;
    if (total != raw.length - pos) {
      throw corrupt(
          shards, e, "the string lengths add up to " + total + " bytes but " + (raw.length - pos)
              + " follow them", pos);
    }
    for (int i = 0; i < n; i++) {
      out[i] = Arrays.copyOfRange(raw, pos, pos + (int) lengths[i]);
      pos += (int) lengths[i];
    }
    crc.update(raw, c.pos + 4, raw.length - c.pos - 4);
    shards.verifyCrc(e, (int) crc.getValue());
    return out;
  }

  private static CheckpointException corrupt(
      DataShards shards, TensorEntry e, String detail, long at) {
    return new CheckpointException(
        "checkpoint " + shards.prefix() + ": string tensor '" + e.name() + "' is corrupt: " + detail
            + " (" + shards.fileOf(e) + ", offset " + (e.offset() + at) + ").");
  }
}
