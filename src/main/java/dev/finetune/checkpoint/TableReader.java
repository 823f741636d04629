package dev.finetune.checkpoint;

import dev.finetune.util.MaskedCrc32c;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a whole LevelDB-style table, the format of a checkpoint's {@code .index} file: a 48-byte
 * footer (two block handles and the magic number), an index block naming the data blocks, and data
 * blocks of prefix-compressed keys with restart points. Blocks are raw or Snappy-compressed; the
 * masked CRC32C of every block is verified. All entries are returned in key order.
 */
final class TableReader {
  static final long MAGIC = 0xdb4775248b80fb57L;
  static final int FOOTER_LENGTH = 48;
  private static final int BLOCK_TRAILER = 5; // type byte + masked CRC32C
  private static final int MAX_BLOCK = 1 << 30;

  /** One key/value of the table, with the file offset of the block that holds it. */
  record Entry(byte[] key, byte[] value, long blockOffset) {}

  private final Path file;
  private final byte[] bytes;

  private TableReader(Path file, byte[] bytes) {
    this.file = file;
    this.bytes = bytes;
  }

  /** Reads every entry of the table in {@code file}. */
  static List<Entry> readAll(Path file) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > JavaArrays.MAX_LENGTH) {
        throw new CheckpointException(
            file + " is " + size + " bytes, too large for a checkpoint index: it is not an index file.");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint index file " + file + " does not exist.");
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint index " + file + ": " + e.getMessage(), e);
    }
    return new TableReader(file, bytes).entries();
  }

  private List<Entry> entries() {
    if (bytes.length < FOOTER_LENGTH) {
      throw corrupt(
          "it is " + bytes.length + " bytes, shorter than the 48-byte table footer"
              + " (truncated, or not a checkpoint index)", 0);
    }
    int footer = bytes.length - FOOTER_LENGTH;
    long magic = Varint.fixed64(bytes, bytes.length - 8);
    if (magic != MAGIC) {
      throw new CheckpointException(
          file + " is not a TensorFlow checkpoint index: wrong magic number 0x"
              + Long.toHexString(magic) + " at offset " + (bytes.length - 8) + " (expected 0x"
              + Long.toHexString(MAGIC) + "). The file is truncated or is some other kind of file.");
    }
    Varint.Cursor c = new Varint.Cursor(bytes, footer, bytes.length - 8);
    long[] metaindex = readHandle(c);
    long[] index = readHandle(c);
    if (metaindex == null || index == null) {
      throw corrupt("the footer's block handles are malformed", footer);
    }
    byte[] indexBlock = readBlock(index[0], index[1], "index block");
    List<Entry> out = new ArrayList<>();
    byte[] previousKey = null;
    for (Entry handleEntry : parseBlock(indexBlock, index[0], "index block")) {
      Varint.Cursor hc = new Varint.Cursor(handleEntry.value(), 0, handleEntry.value().length);
      long[] handle = readHandle(hc);
      if (handle == null || hc.pos != hc.end) {
        throw corrupt("the index block holds a malformed data-block handle", index[0]);
      }
      byte[] block = readBlock(handle[0], handle[1], "data block");
      for (Entry e : parseBlock(block, handle[0], "data block")) {
        if (previousKey != null && Arrays.compareUnsigned(previousKey, e.key()) >= 0) {
          throw corrupt("keys are out of order in the data block", handle[0]);
        }
        previousKey = e.key();
        out.add(e);
      }
    }
    return out;
  }

  /** A block handle (varint64 offset, varint64 size), or null if malformed. */
  private static long[] readHandle(Varint.Cursor c) {
    long offset = c.readVarint64();
    long size = c.readVarint64();
    if (offset < 0 || size < 0) {
      return null;
    }
    return new long[] {offset, size};
  }

  /** Reads, verifies and (if needed) decompresses the block at {@code offset}. */
  private byte[] readBlock(long offset, long size, String what) {
    long limit = bytes.length - FOOTER_LENGTH;
    if (offset > limit || size > limit - offset - BLOCK_TRAILER || size > MAX_BLOCK) {
      throw corrupt(
          "the " + what + " (offset " + offset + ", " + size + " bytes) lies outside the file"
              + " (truncated?)", offset);
    }
    int start = (int) offset;
    int length = (int) size;
    int type = bytes[start + length] & 0xff;
    int stored = Varint.fixed32(bytes, start + length + 1);
    int actual = MaskedCrc32c.crc(bytes, start, length + 1);
    if (MaskedCrc32c.unmask(stored) != actual) {
      throw corrupt(
          "checksum mismatch in the " + what + " at offset " + offset + " (" + length + " bytes)",
          offset);
    }
    switch (type) {
      case 0:
        return Arrays.copyOfRange(bytes, start, start + length);
      case 1:
        try {
          return Snappy.decompress(bytes, start, length, MAX_BLOCK);
        } catch (Snappy.FormatException e) {
          throw corrupt(
              "the Snappy-compressed " + what + " at offset " + offset + " does not decompress: "
                  + e.getMessage(), offset);
        }
      default:
        throw corrupt(
            "the " + what + " at offset " + offset + " has unknown compression type " + type
                + " (known: 0 none, 1 Snappy)", offset);
    }
  }

  /** Splits a block into its entries, undoing the key prefix compression. */
  private List<Entry> parseBlock(byte[] block, long blockOffset, String what) {
    if (block.length < 4) {
      throw corrupt("the " + what + " is shorter than its restart count", blockOffset);
    }
    long numRestarts = Varint.fixed32(block, block.length - 4) & 0xffffffffL;
    long restartsStart = block.length - 4 - 4 * numRestarts;
    if (numRestarts > (block.length - 4) / 4 || restartsStart < 0) {
      throw corrupt("the " + what + " has an impossible restart count " + numRestarts, blockOffset);
    }
    int limit = (int) restartsStart;
    List<Entry> out = new ArrayList<>();
    List<Integer> entryStarts = new ArrayList<>();
    List<Integer> sharedAtStart = new ArrayList<>();
    byte[] key = new byte[0];
    Varint.Cursor c = new Varint.Cursor(block, 0, limit);
    while (c.pos < limit) {
      int entryStart = c.pos;
      int shared = c.readVarint32();
      int nonShared = c.readVarint32();
      int valueLength = c.readVarint32();
      if (shared < 0 || nonShared < 0 || valueLength < 0 || shared > key.length
          || nonShared > limit - c.pos || valueLength > limit - c.pos - nonShared) {
        throw corrupt("a malformed entry in the " + what + " at block offset " + entryStart, blockOffset);
      }
      byte[] next = Arrays.copyOf(key, shared + nonShared);
      System.arraycopy(block, c.pos, next, shared, nonShared);
      c.pos += nonShared;
      byte[] value = Arrays.copyOfRange(block, c.pos, c.pos + valueLength);
      c.pos += valueLength;
      key = next;
      entryStarts.add(entryStart);
      sharedAtStart.add(shared);
      out.add(new Entry(key, value, blockOffset));
    }
    for (int i = 0; i < numRestarts; i++) {
      int restart = Varint.fixed32(block, limit + 4 * i);
      int at = java.util.Collections.binarySearch(entryStarts, restart);
      if (restart != 0 || !out.isEmpty()) {
        if (at < 0 || sharedAtStart.get(at) != 0) {
          throw corrupt("restart point " + i + " of the " + what + " is not at a full key", blockOffset);
        }
      }
    }
    return out;
  }

  private CheckpointException corrupt(String detail, long offset) {
    return new CheckpointException(
        "checkpoint index " + file + " is corrupt: " + detail + " (file offset " + offset + ").");
  }
}
