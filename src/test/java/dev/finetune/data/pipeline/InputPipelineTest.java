package dev.finetune.data.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.Fixtures;
import dev.finetune.data.DataException;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import dev.finetune.data.example.ExampleDecoder;
import dev.finetune.data.tfrecord.TfRecord;
import dev.finetune.data.tfrecord.TfRecordReader;
import dev.finetune.data.tools.DemoDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputPipelineTest {
  private static final int NUM_TRAIN = 23;
  @TempDir static Path dir;
  static Path train;

  /** A random flip and a random brightness shift: enough randomness to expose any reordering. */
  static final ExampleTransform RANDOM = (ex, rng) -> {
    float shift = rng.nextFloat() * 10;
    boolean flip = rng.nextBoolean();
    int h = ex.height();
    int w = ex.width();
    float[] px = new float[ex.pixels().length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sx = flip ? w - 1 - x : x;
        for (int c = 0; c < 3; c++) {
          px[(y * w + x) * 3 + c] = ex.pixels()[(y * w + sx) * 3 + c] + shift;
        }
      }
    }
    float[] boxes = ex.boxes().clone();
    if (flip) {
      for (int i = 0; i < ex.numBoxes(); i++) {
        boxes[4 * i + 1] = 1 - ex.boxes()[4 * i + 3];
        boxes[4 * i + 3] = 1 - ex.boxes()[4 * i + 1];
      }
    }
    return new DetectionExample(ex.sourceId(), h, w, px, boxes, ex.classes(), ex.weights(), ex.difficult(), ex.isCrowd());
  };

  @BeforeAll
  static void makeData() throws IOException {
    DemoDataset.write(dir, NUM_TRAIN, 2, 24, 16, 7);
    train = dir.resolve(DemoDataset.TRAIN);
  }

  private static PipelineOptions shuffled(int threads) {
    return PipelineOptions.defaults().withShuffleBufferSize(8).withNumThreads(threads).withMaxNumberOfBoxes(5);
  }

  private static List<DetectionBatch> take(InputPipeline p, int n) {
    List<DetectionBatch> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(p.next());
    }
    return out;
  }

  @Test
  void sameSeedGivesTheSameBatchesWhateverTheThreadCount() {
    List<DetectionBatch> one;
    List<DetectionBatch> three;
    try (InputPipeline p = InputPipeline.builder(List.of(train), 4).options(shuffled(1)).augmentation(RANDOM).seed(11).open()) {
      one = take(p, 15); // crosses two epoch boundaries
    }
    try (InputPipeline p = InputPipeline.builder(List.of(train), 4).options(shuffled(3)).augmentation(RANDOM).seed(11).open()) {
      three = take(p, 15);
    }
    assertSameBatches(one, three);
    try (InputPipeline p = InputPipeline.builder(List.of(train), 4).options(shuffled(2)).augmentation(RANDOM).seed(12).open()) {
      List<DetectionBatch> other = take(p, 3);
      assertThat(other.stream().map(b -> List.of(b.sourceIds())).toList())
          .isNotEqualTo(one.subList(0, 3).stream().map(b -> List.of(b.sourceIds())).toList());
    }
  }

  @Test
  void stockSsdAugmentationAndResizerAreDeterministicAcrossThreadCounts() throws Exception {
    ExampleTransform ssd = dev.finetune.data.augment.Preprocessor.fromConfig(List.of(
            com.google.protobuf.TextFormat.parse("random_horizontal_flip { }", dev.finetune.proto.PreprocessingStep.class),
            com.google.protobuf.TextFormat.parse("ssd_random_crop { }", dev.finetune.proto.PreprocessingStep.class)));
    ExampleTransform resizer =
        dev.finetune.data.augment.ImageResizers.fixedShape(12, 10, dev.finetune.data.augment.Resize.Method.BILINEAR);
    List<DetectionBatch> one;
    try (InputPipeline p = InputPipeline.builder(List.of(train), 4).options(shuffled(1)).augmentation(ssd).resizer(resizer)
        .seed(3).open()) {
      one = take(p, 8);
    }
    try (InputPipeline p = InputPipeline.builder(List.of(train), 4).options(shuffled(3)).augmentation(ssd).resizer(resizer)
        .seed(3).open()) {
      assertSameBatches(take(p, 8), one);
    }
    assertThat(one.get(0).height()).isEqualTo(12);
    assertThat(one.get(0).width()).isEqualTo(10);
  }

  @Test
  void restoringAPositionContinuesExactly() {
    List<DetectionBatch> full;
    List<PipelinePosition> positions = new ArrayList<>();
    try (InputPipeline p = InputPipeline.builder(List.of(train), 3).options(shuffled(2)).augmentation(RANDOM).seed(5).open()) {
      full = new ArrayList<>();
      for (int i = 0; i < 14; i++) {
        full.add(p.next());
        positions.add(p.position());
      }
    }
    for (int k : new int[] {0, 6, 7, 10}) {
      PipelinePosition at = PipelinePosition.parse(positions.get(k).toString());
      try (InputPipeline p = InputPipeline.builder(List.of(train), 3).options(shuffled(3)).augmentation(RANDOM).seed(5)
          .startAt(at).open()) {
        assertSameBatches(take(p, 14 - k - 1), full.subList(k + 1, 14));
      }
    }
  }

  @Test
  void oneEpochInOrderDeliversEveryExampleOnceAndHonoursDropRemainder() {
    PipelineOptions once = PipelineOptions.inOrderOnce().withNumThreads(2);
    List<String> ids = new ArrayList<>();
    try (InputPipeline p = InputPipeline.builder(List.of(train), 5).options(once).open()) {
      for (DetectionBatch b = p.next(); b != null; b = p.next()) {
        ids.addAll(List.of(b.sourceIds()));
      }
      assertThat(p.next()).isNull();
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < NUM_TRAIN; i++) {
      expected.add(String.format("train_%06d", i));
    }
    assertThat(ids).isEqualTo(expected);

    int batches = 0;
    try (InputPipeline p = InputPipeline.builder(List.of(train), 5).options(once.withDropRemainder(true)).open()) {
      while (p.next() != null) {
        batches++;
      }
    }
    assertThat(batches).isEqualTo(NUM_TRAIN / 5);
  }

  @Test
  void filesAreInterleavedReadBlockLengthRecordsAtATime() throws IOException {
    Path a = dir.resolve("a.record");
    Path b = dir.resolve("b.record");
    copyRecords(train, a, 0, 5, -1);
    copyRecords(train, b, 5, 3, -1);
    PipelineOptions opts = PipelineOptions.inOrderOnce().withNumReaders(2).withReadBlockLength(2).withNumThreads(2);
    List<String> ids = new ArrayList<>();
    try (InputPipeline p = InputPipeline.builder(List.of(a, b), 1).options(opts).open()) {
      for (DetectionBatch batch = p.next(); batch != null; batch = p.next()) {
        ids.add(batch.sourceIds()[0].substring("train_0000".length()));
      }
    }
    assertThat(ids).containsExactly("00", "01", "05", "06", "02", "03", "07", "04");
  }

  @Test
  void skippedUnusableRecordsKeepResumeExact() throws IOException {
    Path mixed = dir.resolve("mixed.record");
    copyRecords(train, mixed, 0, NUM_TRAIN, 4); // a record with an undecodable image after every 4th
    PipelineOptions opts = shuffled(2).withSkipCorruptRecords(true);
    List<DetectionBatch> full = new ArrayList<>();
    PipelinePosition at;
    try (InputPipeline p = InputPipeline.builder(List.of(mixed), 3).options(opts).augmentation(RANDOM).seed(9).open()) {
      for (int i = 0; i < 12; i++) {
        full.add(p.next());
      }
      assertThat(p.stats().badExamples()).isPositive();
    }
    try (InputPipeline p = InputPipeline.builder(List.of(mixed), 3).options(opts).augmentation(RANDOM).seed(9).open()) {
      take(p, 5);
      at = p.position();
    }
    try (InputPipeline p = InputPipeline.builder(List.of(mixed), 3).options(opts.withNumThreads(1)).augmentation(RANDOM)
        .seed(9).startAt(at).open()) {
      assertSameBatches(take(p, 7), full.subList(5, 12));
    }
  }

  /** Copies records [from, from + count) of {@code src}; after every {@code badEvery}-th adds one whose JPEG is cut. */
  private static void copyRecords(Path src, Path dst, int from, int count, int badEvery) throws IOException {
    try (TfRecordReader reader = TfRecordReader.open(src);
        dev.finetune.data.tfrecord.TfRecordWriter writer = dev.finetune.data.tfrecord.TfRecordWriter.create(dst)) {
      reader.skip(from);
      for (int i = 0; i < count; i++) {
        TfRecord r = reader.next();
        writer.write(r.data());
        if (badEvery > 0 && i % badEvery == badEvery - 1) {
          var a = new ExampleDecoder(null).annotations(r);
          writer.write(dev.finetune.data.example.ExampleEncoder.encode("bad" + i, "bad" + i,
              Arrays.copyOf(a.encoded(), 40), "jpeg", a.height(), a.width(), List.of()));
        }
      }
    }
  }

  @Test
  void shuffledEpochsEachHoldEveryExampleOnceInADifferentOrder() {
    PipelineOptions opts = shuffled(2).withNumEpochs(2).withDropRemainder(false);
    List<String> ids = new ArrayList<>();
    try (InputPipeline p = InputPipeline.builder(List.of(train), 1).options(opts).seed(21).open()) {
      for (DetectionBatch b = p.next(); b != null; b = p.next()) {
        ids.add(b.sourceIds()[0]);
      }
    }
    assertThat(ids).hasSize(2 * NUM_TRAIN);
    List<String> first = ids.subList(0, NUM_TRAIN);
    List<String> second = ids.subList(NUM_TRAIN, 2 * NUM_TRAIN);
    assertThat(first).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(second);
    assertThat(first).isNotEqualTo(second);
    assertThat(first).isNotEqualTo(first.stream().sorted().toList());
  }

  @Test
  void sampleOneOfNKeepsEveryNthExample() {
    PipelineOptions opts = PipelineOptions.inOrderOnce().withSample1OfNExamples(3).withNumThreads(1);
    List<String> ids = new ArrayList<>();
    try (InputPipeline p = InputPipeline.builder(List.of(train), 1).options(opts).open()) {
      for (DetectionBatch b = p.next(); b != null; b = p.next()) {
        ids.add(b.sourceIds()[0]);
      }
    }
    assertThat(ids).containsExactly("train_000000", "train_000003", "train_000006", "train_000009",
        "train_000012", "train_000015", "train_000018", "train_000021");
  }

  @Test
  void boxesArePaddedAndTruncatedToMaxNumberOfBoxesWithACount() {
    int max = 2;
    List<DetectionExample> originals = new ArrayList<>();
    try (TfRecordReader reader = TfRecordReader.open(train)) {
      for (TfRecord r = reader.next(); r != null; r = reader.next()) {
        originals.add(new ExampleDecoder(null).decode(r));
      }
    }
    long overMax = originals.stream().filter(e -> e.numBoxes() > max).count();
    long dropped = originals.stream().mapToLong(e -> Math.max(0, e.numBoxes() - max)).sum();
    assertThat(overMax).as("the demo data must have images with more than 2 boxes").isPositive();

    PipelineOptions opts = PipelineOptions.inOrderOnce().withMaxNumberOfBoxes(max).withNumThreads(2);
    try (InputPipeline p = InputPipeline.builder(List.of(train), 4).options(opts).open()) {
      int i = 0;
      for (DetectionBatch b = p.next(); b != null; b = p.next()) {
        assertThat(b.maxBoxes()).isEqualTo(max);
        for (int j = 0; j < b.batchSize(); j++, i++) {
          DetectionExample o = originals.get(i);
          int n = Math.min(max, o.numBoxes());
          assertThat(b.numBoxes()[j]).isEqualTo(n);
          assertThat(Arrays.copyOfRange(b.boxes(), j * max * 4, j * max * 4 + n * 4))
              .containsExactly(Arrays.copyOf(o.boxes(), n * 4));
          for (int k = n; k < max; k++) {
            assertThat(b.classes()[j * max + k]).isZero();
            assertThat(b.weights()[j * max + k]).isZero();
          }
          assertThat(b.weights()[j * max]).isEqualTo(1f);
        }
      }
      assertThat(p.stats().truncatedExamples()).isEqualTo(overMax);
      assertThat(p.stats().droppedBoxes()).isEqualTo(dropped);
    }
  }

  @Test
  void corruptRecordsFailFastByDefaultAndAreCountedWhenSkipped() {
    Path pets = Fixtures.get("records/pets_examples_CORRUPTED.record");
    PipelineOptions once = PipelineOptions.inOrderOnce().withNumThreads(2);
    try (InputPipeline p = InputPipeline.builder(List.of(pets), 1).options(once).open()) {
      assertThatThrownBy(p::next)
          .isInstanceOf(DataException.class)
          .hasMessageContaining("record #0 (byte offset 0)");
    }
    List<String> ids = new ArrayList<>();
    try (InputPipeline p = InputPipeline.builder(List.of(pets), 1).options(once.withSkipCorruptRecords(true)).open()) {
      for (DetectionBatch b = p.next(); b != null; b = p.next()) {
        ids.add(b.sourceIds()[0]);
      }
      assertThat(p.stats().corruptRecords()).isEqualTo(6);
    }
    assertThat(ids).hasSize(4);
  }

  @Test
  void aDatasetWithNoRecordsIsAClearError() throws IOException {
    Path empty = dir.resolve("empty.record");
    dev.finetune.data.tfrecord.TfRecordWriter.create(empty).close();
    try (InputPipeline p = InputPipeline.builder(List.of(empty), 2).options(shuffled(1)).open()) {
      assertThatThrownBy(p::next).isInstanceOf(DataException.class).hasMessageContaining("no usable records");
    }
  }

  @Test
  void imagesOfDifferentSizesInOneBatchAskForAFixedResizer() {
    ExampleTransform ragged = (ex, rng) -> {
      int w = ex.width() - (ex.sourceId().endsWith("1") ? 1 : 0);
      float[] px = new float[ex.height() * w * 3];
      return new DetectionExample(ex.sourceId(), ex.height(), w, px, ex.boxes(), ex.classes(), ex.weights(),
          ex.difficult(), ex.isCrowd());
    };
    try (InputPipeline p = InputPipeline.builder(List.of(train), 4).options(PipelineOptions.inOrderOnce())
        .augmentation(ragged).open()) {
      assertThatThrownBy(p::next).hasMessageContaining("fixed_shape_resizer");
    }
  }

  private static void assertSameBatches(List<DetectionBatch> a, List<DetectionBatch> b) {
    assertThat(a).hasSameSizeAs(b);
    for (int i = 0; i < a.size(); i++) {
      DetectionBatch x = a.get(i);
      DetectionBatch y = b.get(i);
      assertThat(x.sourceIds()).as("batch %d ids", i).containsExactly(y.sourceIds());
      assertThat(x.images()).as("batch %d images", i).isEqualTo(y.images());
      assertThat(x.boxes()).as("batch %d boxes", i).isEqualTo(y.boxes());
      assertThat(x.classes()).isEqualTo(y.classes());
      assertThat(x.numBoxes()).isEqualTo(y.numBoxes());
    }
  }
}
