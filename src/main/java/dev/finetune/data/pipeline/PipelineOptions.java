package dev.finetune.data.pipeline;

/**
 * The input reader settings the pipeline honours, with the API's defaults ({@code
 * input_reader.proto}), plus two of ours: {@code numThreads} (decode/augment workers) and {@code
 * skipCorruptRecords} (skip and count damaged records instead of failing).
 */
public record PipelineOptions(
    boolean shuffle,
    int shuffleBufferSize,
    int filenamesShuffleBufferSize,
    long numEpochs,
    int sample1OfNExamples,
    int maxNumberOfBoxes,
    int numReaders,
    int readBlockLength,
    int numPrefetchBatches,
    boolean dropRemainder,
    boolean skipCorruptRecords,
    int numThreads) {

  public PipelineOptions {
    positive(shuffleBufferSize, "shuffle_buffer_size");
    positive(filenamesShuffleBufferSize, "filenames_shuffle_buffer_size");
    positive(sample1OfNExamples, "sample_1_of_n_examples");
    positive(maxNumberOfBoxes, "max_number_of_boxes");
    positive(numReaders, "num_readers");
    positive(readBlockLength, "read_block_length");
    positive(numPrefetchBatches, "num_prefetch_batches");
    positive(numThreads, "numThreads");
    if (numEpochs < 0) {
      throw new IllegalArgumentException("num_epochs must be >= 0 (0 = repeat forever), got " + numEpochs);
    }
  }

  private static void positive(int v, String name) {
    if (v < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }
  }

  /** The API's defaults, with one worker per core. */
  public static PipelineOptions defaults() {
    return new PipelineOptions(
        true, 2048, 100, 0, 1, 100, 64, 32, 2, true, false, Runtime.getRuntime().availableProcessors());
  }

  /** Eval-style reading: in file order, once, every example (keeps a last partial batch). */
  public static PipelineOptions inOrderOnce() {
    return defaults().withShuffle(false).withNumEpochs(1).withDropRemainder(false);
  }

  public PipelineOptions withShuffle(boolean v) {
    return new PipelineOptions(v, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, readBlockLength, numPrefetchBatches, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withShuffleBufferSize(int v) {
    return new PipelineOptions(shuffle, v, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, readBlockLength, numPrefetchBatches, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withNumEpochs(long v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, v, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, readBlockLength, numPrefetchBatches, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withSample1OfNExamples(int v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, v,
        maxNumberOfBoxes, numReaders, readBlockLength, numPrefetchBatches, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withMaxNumberOfBoxes(int v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        v, numReaders, readBlockLength, numPrefetchBatches, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withNumReaders(int v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, v, readBlockLength, numPrefetchBatches, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withReadBlockLength(int v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, v, numPrefetchBatches, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withNumPrefetchBatches(int v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, readBlockLength, v, dropRemainder, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withDropRemainder(boolean v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, readBlockLength, numPrefetchBatches, v, skipCorruptRecords, numThreads);
  }

  public PipelineOptions withSkipCorruptRecords(boolean v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, readBlockLength, numPrefetchBatches, dropRemainder, v, numThreads);
  }

  public PipelineOptions withNumThreads(int v) {
    return new PipelineOptions(shuffle, shuffleBufferSize, filenamesShuffleBufferSize, numEpochs, sample1OfNExamples,
        maxNumberOfBoxes, numReaders, readBlockLength, numPrefetchBatches, dropRemainder, skipCorruptRecords, v);
  }
}
