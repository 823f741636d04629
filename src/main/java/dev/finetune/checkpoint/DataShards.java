package dev.finetune.checkpoint;

import dev.finetune.util.MaskedCrc32c;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The {@code .data-NNNNN-of-MMMMM} files of one checkpoint, opened on first use and kept open: reads
 * the stored bytes of one index entry (one contiguous range of one shard) with bounds checks, and
 * verifies them against the entry's masked CRC32C unless checking is turned off.
 */
final class DataShards implements AutoCloseable {
  // A multiple of every element size, and small enough to stay in L2 cache between the CRC pass and
  // the copy out (1 MB chunks measured 0.6x the speed of 64-256 KB ones).
  static final int CHUNK = 1 << 18;
  private static final ThreadLocal<ByteBuffer> CHUNK_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

  /** Receives consecutive chunks of a tensor's bytes, in the checkpoint's byte order. */
  interface ChunkSink {
    void accept(ByteBuffer chunk);

    /** A sink that copies the chunks one after another into {@code dest}, from its start. */
    static ChunkSink filling(byte[] dest) {
      int[] pos = {0};
      return chunk -> {
        int n = chunk.remaining();
        chunk.get(dest, pos[0], n);
        pos[0] += n;
      };
    }
  }

  private final Path prefix;
  private final int numShards;
  private final ByteOrder order;
  private final Map<Integer, FileChannel> channels = new HashMap<>();
  private volatile boolean verifyChecksums = true;
  private boolean closed;

  DataShards(Path prefix, int numShards, ByteOrder order) {
    this.prefix = prefix;
    this.numShards = numShards;
    this.order = order;
  }

  Path prefix() {
    return prefix;
  }

  ByteOrder order() {
    return order;
  }

  boolean verifyChecksums() {
    return verifyChecksums;
  }

  void verifyChecksums(boolean verify) {
    this.verifyChecksums = verify;
  }

  /** The data file holding {@code e}. */
  Path fileOf(TensorEntry e) {
    return CheckpointLocator.dataFile(prefix, e.shardId(), numShards);
  }

  /**
   * Streams the stored bytes of unsliced entry {@code e} to {@code sink} in chunks, verifying the
   * CRC32C as it goes; throws (after the last chunk) if it does not match, so callers must not
   * publish what the sink built until this returns.
   */
  void stream(TensorEntry e, ChunkSink sink) {
    FileChannel ch = channel(e);
    checkBounds(e, ch);
    ByteBuffer buf = CHUNK_BUFFER.get();
    CRC32C crc = new CRC32C();
    long done = 0;
    while (done < e.sizeBytes()) {
      int want = (int) Math.min(CHUNK, e.sizeBytes() - done);
      buf.clear().limit(want);
      readFully(ch, buf, e.offset() + done, e);
      buf.flip();
      if (verifyChecksums) {
        crc.update(buf.duplicate());
      }
      sink.accept(buf.slice().order(order));
      done += want;
    }
    verifyCrc(e, (int) crc.getValue());
  }

  /** Reads unsliced entry {@code e} into {@code dest} (its whole capacity), CRC checked. */
  void readInto(TensorEntry e, ByteBuffer dest) {
    FileChannel ch = channel(e);
    checkBounds(e, ch);
    CRC32C crc = new CRC32C();
    int done = 0;
    int size = (int) e.sizeBytes();
    while (done < size) {
      int n = Math.min(CHUNK, size - done);
      ByteBuffer part = dest.duplicate();
      part.limit(done + n).position(done);
      readFully(ch, part, e.offset() + done, e);
      part.flip().position(done);
      if (verifyChecksums) {
        crc.update(part); // while the chunk is still in the CPU cache
      }
      done += n;
    }
    verifyCrc(e, (int) crc.getValue());
  }

  /** Reads all stored bytes of {@code e} (CRC verified by the caller's format-specific code). */
  byte[] readWhole(TensorEntry e) {
    FileChannel ch = channel(e);
    checkBounds(e, ch);
    ByteBuffer buf = ByteBuffer.allocate((int) e.sizeBytes());
    readFully(ch, buf, e.offset(), e);
    return buf.array();
  }

  /** Throws if checking is on and {@code actual}, a plain CRC32C, is not {@code e}'s checksum. */
  void verifyCrc(TensorEntry e, int actual) {
    if (verifyChecksums && actual != MaskedCrc32c.unmask(e.maskedCrc32c())) {
      throw new CheckpointException(
          "checkpoint " + prefix + ": tensor '" + e.name() + "' is corrupt: checksum mismatch in "
              + fileOf(e) + " at offset " + e.offset() + " (" + e.sizeBytes() + " bytes). The file"
              + " was damaged after it was written.");
    }
  }

  private void checkBounds(TensorEntry e, FileChannel ch) {
    long fileSize;
    try {
      fileSize = ch.size();
    } catch (IOException ex) {
      throw ioError(e, ex);
    }
    if (e.offset() + e.sizeBytes() > fileSize) {
      throw new CheckpointException(
          "checkpoint " + prefix + ": tensor '" + e.name() + "' (offset " + e.offset() + ", "
              + e.sizeBytes() + " bytes) extends past the end of " + fileOf(e) + " (" + fileSize
              + " bytes): the data file is truncated.");
    }
  }

  private void readFully(FileChannel ch, ByteBuffer buf, long position, TensorEntry e) {
    try {
      long p = position;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, p);
        if (n < 0) {
          throw new CheckpointException(
              "checkpoint " + prefix + ": unexpected end of " + fileOf(e) + " at offset " + p
                  + " while reading tensor '" + e.name() + "'.");
        }
        p += n;
      }
    } catch (IOException ex) {
      throw ioError(e, ex);
    }
  }

  private CheckpointException ioError(TensorEntry e, IOException ex) {
    return new CheckpointException(
        "cannot read " + fileOf(e) + " (tensor '" + e.name() + "'): " + ex.getMessage(), ex);
  }

  private synchronized FileChannel channel(TensorEntry e) {
    if (closed) {
      throw new IllegalStateException("checkpoint reader for " + prefix + " is closed");
    }
    FileChannel ch = channels.get(e.shardId());
    if (ch == null) {
      Path file = fileOf(e);
      try {
        ch = FileChannel.open(file, StandardOpenOption.READ);
      } catch (NoSuchFileException ex) {
        throw new CheckpointException(
            "checkpoint " + prefix + ": data file " + file + " (shard " + e.shardId() + " of "
                + numShards + ", needed for tensor '" + e.name() + "') does not exist. Copy every"
                + " " + prefix.getFileName() + ".data-* file together with the .index file.");
      } catch (IOException ex) {
        throw ioError(e, ex);
      }
      channels.put(e.shardId(), ch);
    }
    return ch;
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (FileChannel ch : channels.values()) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Closing a read-only file cannot lose data.
      }
    }
    channels.clear();
  }
}
