package dev.finetune.data.tfrecord;

import dev.finetune.data.DataException;
import java.nio.file.Path;

/**
 * A damaged record (bad CRC, truncated file). The reader has already moved past it, so a caller
 * that skips corrupt records catches this and calls {@link TfRecordReader#next()} again.
 */
public final class CorruptRecordException extends DataException {
  private final transient Path file;
  private final long index;
  private final long offset;
  private final String reason;

  CorruptRecordException(Path file, long index, long offset, String reason) {
    super(
        TfRecordReader.where(file, index, offset) + ": " + reason
            + ". Re-create the file, or pass --skip_corrupt_records to skip damaged records.");
    this.file = file;
    this.index = index;
    this.offset = offset;
    this.reason = reason;
  }

  public Path file() {
    return file;
  }

  public long index() {
    return index;
  }

  public long offset() {
    return offset;
  }

  /** Where and what, without the advice (for logs of records that are being skipped). */
  public String describe() {
    return TfRecordReader.where(file, index, offset) + ": " + reason;
  }

  public String reason() {
    return reason;
  }
}
