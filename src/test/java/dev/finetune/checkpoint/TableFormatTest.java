package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same real checkpoint, its index re-encoded with other block sizes, restart intervals and
 * Snappy-compressed blocks (as older TensorFlow releases wrote them), lists and reads the same.
 */
class TableFormatTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({
    "checkpoints/tf2_regression_with_optimizer/variables, 64, 1, false",
    "checkpoints/tf2_regression_with_optimizer/variables, 200, 3, true",
    "checkpoints/tf2_regression_with_optimizer/variables, 4096, 16, true",
    "odapi_reference/init_ckpt, 64, 2, true",
    "odapi_reference/init_ckpt, 4096, 16, false",
    "odapi_reference/init_ckpt, 1000000, 16, true",
  })
  void reencodedIndexReadsTheSame(String fixture, int blockSize, int restarts, boolean snappy)
      throws Exception {
    Path original = Fixtures.get(fixture + ".index").resolveSibling(Path.of(fixture).getFileName());
    List<TableReader.Entry> table = TableReader.readAll(CheckpointLocator.index(original));
    byte[] reencoded = TestTables.write(table, blockSize, restarts, snappy);
    Path copy = tmp.resolve("copy");
    Files.write(CheckpointLocator.index(copy), reencoded);
    Files.copy(CheckpointReader.dataFile(original, 0, 1), CheckpointReader.dataFile(copy, 0, 1));

    try (CheckpointReader a = CheckpointReader.open(original);
        CheckpointReader b = CheckpointReader.open(copy)) {
      assertThat(b.entries()).isEqualTo(a.entries());
      for (TensorEntry e : a.entries()) {
        TensorData x = a.read(e.name());
        TensorData y = b.read(e.name());
        assertThat(y.values()).as(e.name()).isEqualTo(x.values());
      }
    }
    // The block type byte after the index block says how it is stored (1 = Snappy).
    Varint.Cursor footer = new Varint.Cursor(reencoded, reencoded.length - 48, reencoded.length);
    footer.readVarint64();
    footer.readVarint64();
    long indexOffset = footer.readVarint64();
    long indexSize = footer.readVarint64();
    assertThat(reencoded[(int) (indexOffset + indexSize)]).isEqualTo((byte) (snappy ? 1 : 0));
  }
}
