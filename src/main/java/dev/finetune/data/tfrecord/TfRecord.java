package dev.finetune.data.tfrecord;

import java.nio.file.Path;

/**
 * One record read from a TFRecord file: its payload and where it came from ({@code index} counts
 * every record of the file from 0, damaged ones included; {@code offset} is the byte offset of its
 * length header in the uncompressed stream).
 */
public record TfRecord(Path file, long index, long offset, byte[] data) {
  /** "FILE record #INDEX (byte offset OFFSET)", the place every message about a record names. */
  public String where() {
    return TfRecordReader.where(file, index, offset);
  }
}
