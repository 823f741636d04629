package dev.finetune.summary;

import com.google.protobuf.ByteString;
import dev.finetune.data.tfrecord.TfRecordWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.SessionLog;
import org.tensorflow.proto.Summary;

/**
 * A TensorBoard event file ({@code events.out.tfevents.<time>.<host>}): TFRecord-framed
 * {@code Event} protos, the first carrying {@code file_version: "brain.Event:2"}, scalars as
 * {@code simple_value} and images as PNG, which TensorBoard and {@code tf.compat.v1.train.summary_iterator}
 * read. Written in pure Java so logging adds no op to the training graph. A write failure (disk
 * full) is logged once and summaries stop: they must never end a training run.
 */
public final class EventFileWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventFileWriter.class);

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final Path file;
  private OutputStream out;

  public EventFileWriter(Path dir) throws IOException {
    Files.createDirectories(dir);
    double now = System.currentTimeMillis() / 1000.0;
    // time, host, pid and a counter, as TensorFlow names them: two writers never share a file
    String name = String.format(Locale.ROOT, "events.out.tfevents.%d.%s.%d.%d", (long) now, host(),
        ProcessHandle.current().pid(), COUNTER.incrementAndGet());
    this.file = dir.resolve(name);
    this.out = new BufferedOutputStream(
        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16);
    write(Event.newBuilder().setWallTime(now).setFileVersion("brain.Event:2").build());
    flush();
  }

  public Path file() {
    return file;
  }

  /**
   * Marks a (re)start at {@code step}: TensorBoard then drops the points at and after it from
   * earlier files, so the steps a resumed run repeats after a crash are not shown twice.
   */
  public void sessionStart(long step) {
    write(Event.newBuilder()
        .setWallTime(System.currentTimeMillis() / 1000.0)
        .setStep(step)
        .setSessionLog(SessionLog.newBuilder().setStatus(SessionLog.SessionStatus.START))
        .build());
  }

  public void scalar(long step, String tag, double value) {
    write(event(step, Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value)));
  }

  /** An image summary of an already encoded PNG. */
  public void image(long step, String tag, byte[] png, int height, int width) {
    Summary.Image image =
        Summary.Image.newBuilder()
            .setHeight(height)
            .setWidth(width)
            .setColorspace(3)
            .setEncodedImageString(ByteString.copyFrom(png))
            .build();
    write(event(step, Summary.Value.newBuilder().setTag(tag).setImage(image)));
  }

  private static Event event(long step, Summary.Value.Builder value) {
    return Event.newBuilder()
        .setWallTime(System.currentTimeMillis() / 1000.0)
        .setStep(step)
        .setSummary(Summary.newBuilder().addValue(value))
        .build();
  }

  private synchronized void write(Event event) {
    if (out == null) {
      return;
    }
    try {
      TfRecordWriter.frame(out, event.toByteArray());
    } catch (IOException e) {
      giveUp(e);
    }
  }

  /** Makes what was written visible to TensorBoard. */
  public synchronized void flush() {
    if (out == null) {
      return;
    }
    try {
      out.flush();
    } catch (IOException e) {
      giveUp(e);
    }
  }

  private void giveUp(IOException e) {
    LOG.warn("TensorBoard summaries stop: cannot write {}: {}", file, e.getMessage());
    try {
      out.close();
    } catch (IOException ignored) {
      // already failing; the training goes on without summaries
    }
    out = null;
  }

  @Override
  public synchronized void close() {
    if (out != null) {
      flush();
      try {
        if (out != null) {
          out.close();
        }
      } catch (IOException e) {
        LOG.warn("cannot close {}: {}", file, e.getMessage());
      }
      out = null;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
