package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.finetune.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutates real checkpoint files thousands of times (bit flips, truncation, inserted, deleted and
 * overwritten bytes, in the index or the data): the reader must either return exactly the original
 * listing and values or throw a {@link CheckpointException} naming the file. Never another
 * exception, never a hang, never a wrong value.
 */
class CorruptionFuzzTest {
  /** 4 sources x 1,200 by default; more for a long run: -Dfinetune.fuzz.mutations=50000. */
  private static final int MUTATIONS_PER_SOURCE = Integer.getInteger("finetune.fuzz.mutations", 1200);

  private Path tmp;

  /** Thousands of small file writes: in memory (/dev/shm) where there is one, else a temp dir. */
  @BeforeEach
  void createDir() throws Exception {
    Path shm = Path.of("/dev/shm");
    tmp = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "finetune-ckpt-fuzz")
        : Files.createTempDirectory("finetune-ckpt-fuzz");
  }

  @AfterEach
  void deleteDir() throws Exception {
    try (var files = Files.walk(tmp)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  private record Source(String label, byte[] index, byte[] data) {}

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void mutatedCheckpointsFailCleanlyOrReadTheOriginalValues() throws Exception {
    Path tf2 = Fixtures.get("checkpoints/tf2_regression_with_optimizer").resolve("variables");
    Path tf1 = Fixtures.get("checkpoints/tf1_regression").resolve("variables");
    byte[] tf2Index = Files.readAllBytes(CheckpointLocator.index(tf2));
    byte[] tf2Data = Files.readAllBytes(CheckpointReader.dataFile(tf2, 0, 1));
    List<Source> sources = List.of(
        new Source("tf2", tf2Index, tf2Data),
        new Source("tf2 snappy, small blocks",
            TestTables.write(TableReader.readAll(CheckpointLocator.index(tf2)), 100, 2, true), tf2Data),
        new Source("tf1", Files.readAllBytes(CheckpointLocator.index(tf1)),
            Files.readAllBytes(CheckpointReader.dataFile(tf1, 0, 1))),
        new Source("partitioned variable", HandBuiltBundleTest.partitionedBundle()[0],
            HandBuiltBundleTest.partitionedBundle()[1]));
    Random random = new Random(20261127);
    int detected = 0;
    int clean = 0;
    for (Source source : sources) {
      Path original = tmp.resolve("original");
      write(original, source.index(), source.data());
      List<TensorEntry> entries;
      Map<String, Object> values = new LinkedHashMap<>();
      try (CheckpointReader r = CheckpointReader.open(original)) {
        entries = r.entries();
        for (TensorEntry e : entries) {
          values.put(e.name(), r.read(e.name()).values());
        }
      }
      // Two copies, so each mutation rewrites one file: one with a damaged index, one with
      // damaged data.
      Path fuzzIndex = tmp.resolve("fuzz-index");
      Path fuzzData = tmp.resolve("fuzz-data");
      write(fuzzIndex, source.index(), source.data());
      write(fuzzData, source.index(), source.data());
      for (int i = 0; i < MUTATIONS_PER_SOURCE; i++) {
        boolean inIndex = random.nextInt(10) < 6;
        byte[] target = inIndex ? source.index() : source.data();
        StringBuilder what = new StringBuilder(source.label() + (inIndex ? " index: " : " data: "));
        byte[] mutated = mutate(target, random, what);
        Path fuzz = inIndex ? fuzzIndex : fuzzData;
        Files.write(inIndex ? CheckpointLocator.index(fuzz) : CheckpointReader.dataFile(fuzz, 0, 1),
            mutated);
        try (CheckpointReader r = CheckpointReader.open(fuzz)) {
          if (!r.entries().equals(entries)) {
            fail("a damaged index was listed without an error (" + what + ")");
          }
          for (TensorEntry e : entries) {
            try {
              Object v = r.read(e.name()).values();
              if (!Objects.deepEquals(v, values.get(e.name()))) {
                fail("tensor " + e.name() + " read a wrong value without an error (" + what + ")");
              }
              clean++;
            } catch (CheckpointException expected) {
              assertNamesTheFile(expected, what);
              detected++;
            }
          }
          r.objectGraph();
        } catch (CheckpointException expected) {
          assertNamesTheFile(expected, what);
          detected++;
        } catch (RuntimeException | Error unexpected) {
          throw new AssertionError("uncaught " + unexpected + " for mutation " + what, unexpected);
        }
      }
    }
    // Both outcomes happen: the test exercises detection and clean reads.
    assertThat(detected).isGreaterThan(MUTATIONS_PER_SOURCE);
    assertThat(clean).isGreaterThan(100);
  }

  private static void assertNamesTheFile(CheckpointException e, CharSequence what) {
    assertThat(e.getMessage()).as("message for " + what).contains("fuzz");
  }

  private static void write(Path prefix, byte[] index, byte[] data) throws Exception {
    Files.write(CheckpointLocator.index(prefix), index);
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), data);
  }

  private static byte[] mutate(byte[] in, Random random, StringBuilder what) {
    int kind = random.nextInt(6);
    switch (kind) {
      case 0, 1 -> {
        byte[] out = in.clone();
        int flips = 1 + random.nextInt(4);
        for (int k = 0; k < flips; k++) {
          int pos = random.nextInt(out.length);
          int bit = random.nextInt(8);
          out[pos] ^= (byte) (1 << bit);
          what.append("flip bit ").append(bit).append(" at ").append(pos).append("; ");
        }
        return out;
      }
      case 2 -> {
        int len = random.nextInt(in.length);
        what.append("truncate to ").append(len);
        return Arrays.copyOf(in, len);
      }
      case 3 -> {
        int pos = random.nextInt(in.length + 1);
        byte[] extra = new byte[1 + random.nextInt(8)];
        random.nextBytes(extra);
        what.append("insert ").append(extra.length).append(" bytes at ").append(pos);
        byte[] out = new byte[in.length + extra.length];
        System.arraycopy(in, 0, out, 0, pos);
        System.arraycopy(extra, 0, out, pos, extra.length);
        System.arraycopy(in, pos, out, pos + extra.length, in.length - pos);
        return out;
      }
      case 4 -> {
        int pos = random.nextInt(in.length);
        int len = Math.min(1 + random.nextInt(8), in.length - pos);
        what.append("delete ").append(len).append(" bytes at ").append(pos);
        byte[] out = new byte[in.length - len];
        System.arraycopy(in, 0, out, 0, pos);
        System.arraycopy(in, pos + len, out, pos, in.length - pos - len);
        return out;
      }
      default -> {
        byte[] out = in.clone();
        int pos = random.nextInt(in.length);
        int len = Math.min(1 + random.nextInt(16), in.length - pos);
        byte fill = (byte) (random.nextBoolean() ? 0 : random.nextInt(256));
        Arrays.fill(out, pos, pos + len, fill);
        what.append("overwrite ").append(len).append(" bytes at ").append(pos).append(" with ")
            .append(fill);
        return out;
      }
    }
  }
}
