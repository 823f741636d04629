package dev.finetune.data.tfrecord;

import dev.finetune.util.MaskedCrc32c;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a TFRecord file (TF Java has no writer). Records go to {@code FILE.tmp}, which is renamed
 * to {@code FILE} by {@link #close()}, so an interrupted run never leaves a half-written file under
 * the real name.
 */
public final class TfRecordWriter implements Closeable {
  private final Path file;
  private final Path temp;
  private final OutputStream out;
  private final ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
  private final ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private long records;
  private boolean closed;

  private TfRecordWriter(Path file, boolean gzip) throws IOException {
    this.file = file;
    this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    OutputStream raw = Files.newOutputStream(temp);
    this.out =
        gzip ? new BufferedOutputStream(new GZIPOutputStream(raw, 1 << 16), 1 << 16)
            : new BufferedOutputStream(raw, 1 << 20);
  }

  public static TfRecordWriter create(Path file) throws IOException {
    return new TfRecordWriter(file, false);
  }

  public static TfRecordWriter createGzip(Path file) throws IOException {
    return new TfRecordWriter(file, true);
  }

  public void write(byte[] data) throws IOException {
    frame(out, data, header, footer);
    records++;
  }

  /** Writes one TFRecord frame (length, its CRC, data, its CRC) to any stream (event files too). */
  public static void frame(OutputStream out, byte[] data) throws IOException {
    frame(out, data, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN),
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN));
  }

  private static void frame(OutputStream out, byte[] data, ByteBuffer header, ByteBuffer footer)
      throws IOException {
    header.clear();
    header.putLong(data.length);
    header.putInt(MaskedCrc32c.maskedCrc(header.array(), 0, 8));
    out.write(header.array());
    out.write(data);
    footer.clear();
    footer.putInt(MaskedCrc32c.maskedCrc(data));
    out.write(footer.array());
  }

  public long recordsWritten() {
    return records;
  }

  public Path file() {
    return file;
  }

  /** Discards what was written: the temporary file is deleted and {@code FILE} is left as it was. */
  public void abort() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException ignored) {
      // the file is deleted next; a failed flush does not matter
    }
    try {
      Files.deleteIfExists(temp);
    } catch (IOException ignored) {
      // a stray .tmp file is harmless; the real file was not touched
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    out.close();
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
