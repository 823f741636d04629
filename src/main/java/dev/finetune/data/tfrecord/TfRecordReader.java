package dev.finetune.data.tfrecord;

import dev.finetune.util.MaskedCrc32c;
import dev.finetune.data.DataException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the records of one TFRecord file, plain or GZIP-compressed (detected from the file's first
 * bytes), checking both CRCs of every record.
 *
 * <p>Framing: uint64 LE length, uint32 LE masked CRC32C of the length, the data, uint32 LE masked
 * CRC32C of the data. A damaged record throws {@link CorruptRecordException} naming the file,
 * record index and byte offset; before throwing, the reader moves to the next valid length header
 * (searching byte by byte), so a caller may catch it and go on reading the good records after it.
 */
public final class TfRecordReader implements Closeable {
  private static final int HEADER = 12;
  private static final int FOOTER = 4;
  private static final int SCAN_CHUNK = 1 << 16;

  private final Path file;
  private final RecordInput in;
  private long index;
  private boolean broken;

  private TfRecordReader(Path file, RecordInput in) {
    this.file = file;
    this.in = in;
  }

  /** Opens {@code file}; a GZIP file (magic bytes 1f 8b) is decompressed on the fly. */
  public static TfRecordReader open(Path file) {
    try {
      InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 20);
      raw.mark(HEADER);
      byte[] head = raw.readNBytes(HEADER);
      raw.reset();
      InputStream data = raw;
      if (isGzip(head) && !isValidHeader(head, 0)) {
        data = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 20);
      }
      return new TfRecordReader(file, new RecordInput(data));
    } catch (NoSuchFileException e) {
      throw new DataException("TFRecord file not found: " + file);
    } catch (IOException e) {
      throw new DataException("cannot read TFRecord file " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** Records returned or reported damaged so far (the index the next record will get). */
  public long recordsSeen() {
    return index;
  }

  /** The next record, or null at the end of the file. */
  public TfRecord next() {
    if (broken) {
      return null;
    }
    try {
      return readRecord();
    } catch (java.util.zip.ZipException | java.io.EOFException e) {
      // A damaged or cut GZIP stream cannot be resynchronised: nothing after this point is readable.
      broken = true;
      throw new CorruptRecordException(
          file, index, in.position(), "the GZIP data is damaged or truncated (" + e.getMessage()
              + "); nothing after this point can be read");
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file + ": " + e.getMessage(), e);
    }
  }

  /** Skips {@code count} records without returning them (still checking their CRCs). */
  public long skip(long count) {
    long skipped = 0;
    while (skipped < count && next() != null) {
      skipped++;
    }
    return skipped;
  }

  private TfRecord readRecord() throws IOException {
    long offset = in.position();
    byte[] header = new byte[HEADER];
    int got = in.read(header, 0, HEADER);
    if (got == 0) {
      return null;
    }
    long recordIndex = index++;
    if (got < HEADER) {
      throw new CorruptRecordException(
          file, recordIndex, offset,
          "file ends inside a record header (" + got + " of 12 bytes): the file is truncated");
    }
    if (!isValidHeader(header, 0)) {
      in.unread(header, 1, HEADER - 1);
      long next = resync();
      throw new CorruptRecordException(
          file, recordIndex, offset,
          "the length header fails its CRC check (damaged data, or not a TFRecord file)"
              + resumedAt(next));
    }
    long length = ByteBuffer.wrap(header, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (length < 0 || length > Integer.MAX_VALUE - 64) {
      long next = resync();
      throw new CorruptRecordException(
          file, recordIndex, offset,
          "record length " + Long.toUnsignedString(length) + " is too large to read" + resumedAt(next));
    }
    int n = (int) length;
    byte[] body = new byte[n + FOOTER];
    int read = in.read(body, 0, body.length);
    if (read == body.length) {
      int stored = ByteBuffer.wrap(body, n, FOOTER).order(ByteOrder.LITTLE_ENDIAN).getInt();
      if (stored == MaskedCrc32c.maskedCrc(body, 0, n)) {
        byte[] data = n == body.length ? body : java.util.Arrays.copyOf(body, n);
        return new TfRecord(file, recordIndex, offset, data);
      }
    }
    // Damaged: find the next record's header inside what was read, else further on.
    int inside = findHeader(body, 0, read);
    long next;
    if (inside >= 0) {
      in.unread(body, inside, read - inside);
      next = in.position();
    } else {
      in.unread(body, Math.max(0, read - (HEADER - 1)), Math.min(read, HEADER - 1));
      next = resync();
    }
    long expectedEnd = offset + HEADER + body.length;
    String problem;
    if (next >= 0 && next < expectedEnd) {
      problem = "its data fails the CRC check and the next record starts " + (expectedEnd - next)
          + (expectedEnd - next == 1 ? " byte" : " bytes") + " earlier than its length header (" + n + " bytes) says: bytes were lost from this"
          + " record";
    } else if (read < body.length) {
      problem = "the file ends " + read + " bytes into this record's " + n + " data + 4 CRC bytes: the"
          + " file is truncated";
    } else {
      problem = "its data (" + n + " bytes) fails the CRC check: the record is damaged";
    }
    throw new CorruptRecordException(file, recordIndex, offset, problem + resumedAt(next));
  }

  private static String resumedAt(long next) {
    return next >= 0 ? "; reading resumes at byte offset " + next : "; no valid record follows it";
  }

  /**
   * Advances to the next position holding a valid length header and returns it, or -1 (at end of
   * file) when there is none.
   */
  private long resync() throws IOException {
    byte[] buf = new byte[SCAN_CHUNK + HEADER];
    int kept = 0;
    while (true) {
      long bufStart = in.position() - kept;
      int got = in.read(buf, kept, SCAN_CHUNK);
      int end = kept + got;
      int found = findHeader(buf, 0, end);
      if (found >= 0) {
        in.unread(buf, found, end - found);
        return bufStart + found;
      }
      if (got == 0) {
        return -1;
      }
      kept = Math.min(end, HEADER - 1);
      System.arraycopy(buf, end - kept, buf, 0, kept);
    }
  }

  /** First position p in [from, to - 12] where a valid length header starts, or -1. */
  private static int findHeader(byte[] bytes, int from, int to) {
    for (int p = from; p + HEADER <= to; p++) {
      if (isValidHeader(bytes, p)) {
        return p;
      }
    }
    return -1;
  }

  private static boolean isValidHeader(byte[] bytes, int p) {
    if (bytes.length < p + HEADER) {
      return false;
    }
    int stored = ByteBuffer.wrap(bytes, p + 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    return stored == MaskedCrc32c.maskedCrc(bytes, p, 8);
  }

  private static boolean isGzip(byte[] head) {
    return head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
  }

  static String where(Path file, long index, long offset) {
    return file + " record #" + index + " (byte offset " + offset + ")";
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stream that counts its position and can push bytes back (to resume after damage). */
  private static final class RecordInput implements Closeable {
    private final InputStream in;
    private byte[] pushed = new byte[0];
    private int pushedPos;
    private long position;

    RecordInput(InputStream in) {
      this.in = in;
    }

    long position() {
      return position;
    }

    /** Reads up to {@code len} bytes, fewer only at end of stream. */
    int read(byte[] b, int off, int len) throws IOException {
      int total = 0;
      int fromPushed = Math.min(len, pushed.length - pushedPos);
      if (fromPushed > 0) {
        System.arraycopy(pushed, pushedPos, b, off, fromPushed);
        pushedPos += fromPushed;
        total = fromPushed;
      }
      if (total < len) {
        total += in.readNBytes(b, off + total, len - total);
      }
      position += total;
      return total;
    }

    void unread(byte[] b, int off, int len) {
      if (len <= 0) {
        return;
      }
      int remaining = pushed.length - pushedPos;
      byte[] merged = new byte[len + remaining];
      System.arraycopy(b, off, merged, 0, len);
      System.arraycopy(pushed, pushedPos, merged, len, remaining);
      pushed = merged;
      pushedPos = 0;
      position -= len;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
