package dev.finetune.checkpoint;

import dev.finetune.util.MaskedCrc32c;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A LevelDB-style table writer for tests: re-encodes the entries of a real index with other block
 * sizes, restart intervals and Snappy compression, to exercise what the real writers vary.
 */
final class TestTables {
  private TestTables() {}

  static byte[] write(List<TableReader.Entry> entries, int blockSize, int restartInterval,
      boolean snappy) {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    List<byte[]> indexKeys = new ArrayList<>();
    List<long[]> handles = new ArrayList<>();
    List<TableReader.Entry> block = new ArrayList<>();
    int blockBytes = 0;
    for (TableReader.Entry e : entries) {
      block.add(e);
      blockBytes += e.key().length + e.value().length + 3;
      if (blockBytes >= blockSize) {
        handles.add(writeBlock(file, encodeBlock(block, restartInterval), snappy));
        indexKeys.add(block.get(block.size() - 1).key());
        block.clear();
        blockBytes = 0;
      }
    }
    if (!block.isEmpty()) {
      handles.add(writeBlock(file, encodeBlock(block, restartInterval), snappy));
      indexKeys.add(block.get(block.size() - 1).key());
    }
    long[] meta = writeBlock(file, encodeBlock(List.of(), 1), false);
    List<TableReader.Entry> index = new ArrayList<>();
    for (int i = 0; i < handles.size(); i++) {
      ByteArrayOutputStream h = new ByteArrayOutputStream();
      varint(h, handles.get(i)[0]);
      varint(h, handles.get(i)[1]);
      index.add(new TableReader.Entry(indexKeys.get(i), h.toByteArray(), 0));
    }
    long[] indexHandle = writeBlock(file, encodeBlock(index, 1), snappy);
    ByteArrayOutputStream footer = new ByteArrayOutputStream();
    varint(footer, meta[0]);
    varint(footer, meta[1]);
    varint(footer, indexHandle[0]);
    varint(footer, indexHandle[1]);
    while (footer.size() < 40) {
      footer.write(0);
    }
    for (int i = 0; i < 8; i++) {
      footer.write((int) (TableReader.MAGIC >>> (8 * i)) & 0xff);
    }
    file.writeBytes(footer.toByteArray());
    return file.toByteArray();
  }

  static byte[] encodeBlock(List<TableReader.Entry> entries, int restartInterval) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> restarts = new ArrayList<>();
    byte[] previous = new byte[0];
    for (int i = 0; i < entries.size(); i++) {
      byte[] key = entries.get(i).key();
      int shared = 0;
      if (i % restartInterval == 0) {
        restarts.add(out.size());
      } else {
        while (shared < previous.length && shared < key.length && previous[shared] == key[shared]) {
          shared++;
        }
      }
      varint(out, shared);
      varint(out, key.length - shared);
      varint(out, entries.get(i).value().length);
      out.write(key, shared, key.length - shared);
      out.writeBytes(entries.get(i).value());
      previous = key;
    }
    if (restarts.isEmpty()) {
      restarts.add(0);
    }
    for (int r : restarts) {
      fixed32(out, r);
    }
    fixed32(out, restarts.size());
    return out.toByteArray();
  }

  private static long[] writeBlock(ByteArrayOutputStream file, byte[] contents, boolean snappy) {
    byte[] stored = snappy ? TestSnappyCompressor.compress(contents) : contents;
    long offset = file.size();
    file.writeBytes(stored);
    byte[] withType = java.util.Arrays.copyOf(stored, stored.length + 1);
    withType[stored.length] = (byte) (snappy ? 1 : 0);
    file.write(withType[stored.length]);
    fixed32(file, MaskedCrc32c.maskedCrc(withType));
    return new long[] {offset, stored.length};
  }

  static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  static void fixed32(ByteArrayOutputStream out, int v) {
    for (int i = 0; i < 4; i++) {
      out.write((v >>> (8 * i)) & 0xff);
    }
  }
}
