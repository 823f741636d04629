package dev.finetune.data.pipeline;

import dev.finetune.data.DataException;
import dev.finetune.data.tfrecord.CorruptRecordException;
import dev.finetune.data.tfrecord.TfRecord;
import dev.finetune.data.tfrecord.TfRecordReader;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order in which records reach the decoders, as the API's dataset builder makes it, but
 * reproducible from a seed: per epoch, the file list is shuffled (buffer
 * filenames_shuffle_buffer_size), {@code num_readers} files are interleaved
 * {@code read_block_length} records at a time, records pass a shuffle buffer of
 * shuffle_buffer_size, and 1 of every sample_1_of_n_examples is kept. Each epoch drains its own
 * shuffle buffer, so an epoch's order depends only on (seed, epoch) and a position can be restored
 * by replaying just that epoch's framing.
 */
final class RecordStream implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(RecordStream.class);

  /** One record in the stream: its epoch and index within the epoch's stream. */
  record Item(long epoch, long index, TfRecord record) {}

  private final List<Path> files;
  private final PipelineOptions options;
  private final long seed;
  private final PipelineStats stats;
  private long epoch;
  private Epoch current;

  RecordStream(List<Path> files, PipelineOptions options, long seed, PipelineStats stats, PipelinePosition start) {
    if (files.isEmpty()) {
      throw new DataException("no input files to read");
    }
    this.files = files;
    this.options = options;
    this.seed = seed;
    this.stats = stats;
    this.epoch = start.epoch();
    if (options.numEpochs() > 0 && epoch >= options.numEpochs()) {
      return;
    }
    current = new Epoch(epoch);
    for (long i = 0; i < start.index(); i++) {
      if (current.next() == null) {
        throw new DataException(
            "input position " + start + " lies beyond the end of epoch " + epoch + " (" + i
                + " examples): the input files changed since the position was saved");
      }
    }
  }

  /** The next record, or null when num_epochs epochs are done. */
  Item next() {
    while (current != null) {
      TfRecord r = current.next();
      if (r != null) {
        return new Item(epoch, current.emitted - 1, r);
      }
      if (current.emitted == 0) {
        throw new DataException(
            "the input files contain no usable records (" + describeFiles() + ")"
                + (stats.corruptRecords() > 0 ? "; " + stats.corruptRecords() + " were corrupt" : ""));
      }
      current.close();
      epoch++;
      current = options.numEpochs() > 0 && epoch >= options.numEpochs() ? null : new Epoch(epoch);
    }
    return null;
  }

  private String describeFiles() {
    return files.size() == 1 ? files.get(0).toString() : files.size() + " files, first " + files.get(0);
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /** One pass over the files. */
  private final class Epoch {
    private final List<Path> pending;
    private final List<TfRecordReader> cycle = new ArrayList<>();
    private int blockCount;
    private final Random shuffleRng;
    private final List<TfRecord> buffer = new ArrayList<>();
    private int cursor;
    private long seen;
    long emitted;

    Epoch(long epoch) {
      pending = new ArrayList<>(options.shuffle()
          ? bufferShuffle(files, options.filenamesShuffleBufferSize(), new Random(Seeds.of(seed, Seeds.FILE_ORDER, epoch, 0)))
          : files);
      shuffleRng = new Random(Seeds.of(seed, Seeds.RECORD_SHUFFLE, epoch, 0));
      int readers = Math.min(options.numReaders(), files.size());
      while (cycle.size() < readers && !pending.isEmpty()) {
        cycle.add(TfRecordReader.open(pending.remove(0)));
      }
    }

    TfRecord next() {
      while (true) {
        TfRecord r = shuffled();
        if (r == null) {
          return null;
        }
        if (seen++ % options.sample1OfNExamples() == 0) {
          emitted++;
          return r;
        }
      }
    }

    private TfRecord shuffled() {
      if (!options.shuffle() || options.shuffleBufferSize() <= 1) {
        return interleaved();
      }
      while (buffer.size() < options.shuffleBufferSize()) {
        TfRecord r = interleaved();
        if (r == null) {
          break;
        }
        buffer.add(r);
      }
      if (buffer.isEmpty()) {
        return null;
      }
      int pick = shuffleRng.nextInt(buffer.size());
      TfRecord out = buffer.get(pick);
      buffer.set(pick, buffer.get(buffer.size() - 1));
      buffer.remove(buffer.size() - 1);
      return out;
    }

    private TfRecord interleaved() {
      while (!cycle.isEmpty()) {
        if (cursor >= cycle.size()) {
          cursor = 0;
        }
        TfRecord r = readFrom(cycle.get(cursor));
        if (r == null) {
          cycle.remove(cursor).close();
          blockCount = 0;
          if (!pending.isEmpty()) {
            cycle.add(cursor, TfRecordReader.open(pending.remove(0)));
          }
          continue;
        }
        if (++blockCount >= options.readBlockLength()) {
          blockCount = 0;
          cursor++;
        }
        return r;
      }
      return null;
    }

    private TfRecord readFrom(TfRecordReader reader) {
      while (true) {
        try {
          return reader.next();
        } catch (CorruptRecordException e) {
          if (!options.skipCorruptRecords()) {
            throw e;
          }
          stats.corruptRecords.incrementAndGet();
          LOG.warn("skipping corrupt record {}", e.describe());
        }
      }
    }

    void close() {
      cycle.forEach(TfRecordReader::close);
      cycle.clear();
    }
  }

  /** The API's shuffle with a bounded buffer (a full permutation when the buffer holds everything). */
  static <T> List<T> bufferShuffle(List<T> in, int bufferSize, Random rng) {
    List<T> out = new ArrayList<>(in.size());
    List<T> buffer = new ArrayList<>();
    int next = 0;
    while (next < in.size() || !buffer.isEmpty()) {
      while (buffer.size() < bufferSize && next < in.size()) {
        buffer.add(in.get(next++));
      }
      int pick = rng.nextInt(buffer.size());
      out.add(buffer.get(pick));
      buffer.set(pick, buffer.get(buffer.size() - 1));
      buffer.remove(buffer.size() - 1);
    }
    return out;
  }
}
