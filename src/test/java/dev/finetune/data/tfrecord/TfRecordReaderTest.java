package dev.finetune.data.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.Fixtures;
import dev.finetune.data.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfRecordReaderTest {
  @TempDir Path dir;

  @Test
  void readsARecordWrittenByPythonTensorFlow() {
    Path file = Fixtures.get("records/one_string_record.tfrecord");
    try (TfRecordReader reader = TfRecordReader.open(file)) {
      TfRecord record = reader.next();
      assertThat(new String(record.data(), StandardCharsets.UTF_8)).isEqualTo("The Quick Brown Fox");
      assertThat(record.index()).isZero();
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void writerProducesTheSameBytesAsTensorFlow() throws IOException {
    Path fixture = Fixtures.get("records/one_string_record.tfrecord");
    Path mine = dir.resolve("fox.tfrecord");
    try (TfRecordWriter writer = TfRecordWriter.create(mine)) {
      writer.write("The Quick Brown Fox".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(Files.readAllBytes(mine)).isEqualTo(Files.readAllBytes(fixture));
  }

  @Test
  void roundTripsPlainAndGzip() throws IOException {
    List<byte[]> payloads = payloads();
    for (boolean gzip : new boolean[] {false, true}) {
      Path file = dir.resolve(gzip ? "r.gz" : "r.tfrecord");
      try (TfRecordWriter writer = gzip ? TfRecordWriter.createGzip(file) : TfRecordWriter.create(file)) {
        for (byte[] p : payloads) {
          writer.write(p);
        }
      }
      assertThat(Files.exists(file.resolveSibling(file.getFileName() + ".tmp"))).isFalse();
      List<TfRecord> read = readAll(file, new ArrayList<>());
      assertThat(read).hasSize(payloads.size());
      long offset = 0;
      for (int i = 0; i < payloads.size(); i++) {
        assertThat(read.get(i).data()).isEqualTo(payloads.get(i));
        assertThat(read.get(i).index()).isEqualTo(i);
        assertThat(read.get(i).offset()).isEqualTo(offset);
        offset += 16 + payloads.get(i).length;
      }
    }
  }

  @Test
  void corruptedPetsFileYieldsItsFourGoodRecordsAndNamesTheSixDamagedOnes() {
    Path file = Fixtures.get("records/pets_examples_CORRUPTED.record");
    List<CorruptRecordException> damaged = new ArrayList<>();
    List<TfRecord> good = readAll(file, damaged);
    // Offsets found independently by a byte-by-byte scan for valid length headers (Python).
    assertThat(good).extracting(TfRecord::index).containsExactly(2L, 3L, 4L, 7L);
    assertThat(good).extracting(TfRecord::offset).containsExactly(165555L, 244384L, 256429L, 549719L);
    assertThat(damaged).extracting(CorruptRecordException::index).containsExactly(0L, 1L, 5L, 6L, 8L, 9L);
    assertThat(damaged)
        .extracting(CorruptRecordException::offset)
        .containsExactly(0L, 18445L, 278603L, 417646L, 560826L, 782437L);
    assertThat(damaged.get(0).getMessage())
        .contains("pets_examples_CORRUPTED.record record #0 (byte offset 0)")
        .contains("bytes were lost from this record")
        .contains("--skip_corrupt_records");
    assertThat(damaged.get(5).getMessage()).contains("record #9").contains("truncated");
    for (TfRecord r : good) {
      assertThat(r.data().length).isGreaterThan(1000);
    }
  }

  @Test
  void failsFastOnTheFirstDamagedRecord() {
    Path file = Fixtures.get("records/pets_examples_CORRUPTED.record");
    try (TfRecordReader reader = TfRecordReader.open(file)) {
      assertThatThrownBy(reader::next)
          .isInstanceOf(DataException.class)
          .hasMessageContaining("record #0 (byte offset 0)");
    }
  }

  @Test
  void truncatedFileIsNamedWithTheLastRecord() throws IOException {
    Path file = writeFile("t.tfrecord", payloads());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 5));
    List<CorruptRecordException> damaged = new ArrayList<>();
    List<TfRecord> good = readAll(file, damaged);
    assertThat(good).hasSize(payloads().size() - 1);
    assertThat(damaged).singleElement().satisfies(e -> {
      assertThat(e.index()).isEqualTo(payloads().size() - 1);
      assertThat(e.getMessage()).contains("truncated");
    });
  }

  @Test
  void flippedHeaderByteIsSkippedAndTheRestIsRead() throws IOException {
    Path file = writeFile("h.tfrecord", payloads());
    byte[] bytes = Files.readAllBytes(file);
    bytes[0] ^= 0x40; // first record's length header
    Files.write(file, bytes);
    List<CorruptRecordException> damaged = new ArrayList<>();
    List<TfRecord> good = readAll(file, damaged);
    assertThat(damaged).singleElement().satisfies(e -> {
      assertThat(e.index()).isZero();
      assertThat(e.getMessage()).contains("length header fails its CRC");
    });
    assertThat(good).extracting(TfRecord::data).containsExactlyElementsOf(payloads().subList(1, payloads().size()));
  }

  @Test
  void flippedDataByteIsReportedWithItsIndexAndOffset() throws IOException {
    List<byte[]> payloads = payloads();
    Path file = writeFile("d.tfrecord", payloads);
    byte[] bytes = Files.readAllBytes(file);
    long secondOffset = 16 + payloads.get(0).length;
    bytes[(int) secondOffset + 12 + 3] ^= 1;
    Files.write(file, bytes);
    List<CorruptRecordException> damaged = new ArrayList<>();
    List<TfRecord> good = readAll(file, damaged);
    assertThat(damaged).singleElement().satisfies(e -> {
      assertThat(e.index()).isEqualTo(1);
      assertThat(e.offset()).isEqualTo(secondOffset);
      assertThat(e.reason()).contains("fails the CRC check");
    });
    assertThat(good).extracting(TfRecord::index).containsExactly(0L, 2L, 3L);
  }

  @Test
  void truncatedGzipFileKeepsItsCompleteRecordsAndThenEnds() throws IOException {
    Path file = dir.resolve("t.gz");
    try (TfRecordWriter writer = TfRecordWriter.createGzip(file)) {
      for (byte[] p : payloads()) {
        writer.write(p);
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 30));
    List<CorruptRecordException> damaged = new ArrayList<>();
    List<TfRecord> good = readAll(file, damaged);
    assertThat(damaged).singleElement().satisfies(e -> assertThat(e.reason()).contains("GZIP data is damaged or truncated"));
    assertThat(good.size()).isLessThan(payloads().size());
    for (int i = 0; i < good.size(); i++) {
      assertThat(good.get(i).data()).isEqualTo(payloads().get(i));
    }
  }

  @Test
  void abortedWriterLeavesTheEarlierFileUntouched() throws IOException {
    Path file = writeFile("keep.tfrecord", payloads());
    byte[] before = Files.readAllBytes(file);
    TfRecordWriter writer = TfRecordWriter.create(file);
    writer.write(new byte[] {9, 9, 9});
    writer.abort();
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertThat(Files.exists(file.resolveSibling("keep.tfrecord.tmp"))).isFalse();
  }

  @Test
  void missingFileIsADataError() {
    assertThatThrownBy(() -> TfRecordReader.open(dir.resolve("nope.record")))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("not found")
        .hasMessageContaining("nope.record");
  }

  private static List<byte[]> payloads() {
    List<byte[]> out = new ArrayList<>();
    out.add(new byte[0]);
    out.add("hello".getBytes(StandardCharsets.UTF_8));
    byte[] big = new byte[200_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + 7);
    }
    out.add(big);
    out.add(new byte[] {1, 2, 3});
    return out;
  }

  private Path writeFile(String name, List<byte[]> payloads) throws IOException {
    Path file = dir.resolve(name);
    try (TfRecordWriter writer = TfRecordWriter.create(file)) {
      for (byte[] p : payloads) {
        writer.write(p);
      }
    }
    return file;
  }

  private static List<TfRecord> readAll(Path file, List<CorruptRecordException> damaged) {
    List<TfRecord> out = new ArrayList<>();
    try (TfRecordReader reader = TfRecordReader.open(file)) {
      while (true) {
        try {
          TfRecord r = reader.next();
          if (r == null) {
            return out;
          }
          out.add(r);
        } catch (CorruptRecordException e) {
          damaged.add(e);
        }
      }
    }
  }
}
