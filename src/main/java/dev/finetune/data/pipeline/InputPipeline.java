package dev.finetune.data.pipeline;

import dev.finetune.FinetuneException;
import dev.finetune.data.DataException;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import dev.finetune.data.example.Annotations;
import dev.finetune.data.example.ExampleDecoder;
import dev.finetune.data.labelmap.LabelMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches of decoded, augmented and resized examples, prepared ahead on worker threads.
 *
 * <p>One thread orders the records ({@link RecordStream}); {@code numThreads} workers parse, decode
 * and transform them, each example with a {@link Random} seeded from (seed, epoch, index); one
 * thread takes the results back in stream order and stacks them into batches, keeping up to
 * num_prefetch_batches ready. The batches are therefore the same for a seed whatever the thread
 * count, and {@link #position()} after any batch restores the stream exactly.
 */
public final class InputPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InputPipeline.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final List<Path> files;
  private final int batchSize;
  private final PipelineOptions options;
  private final ExampleTransform transform;
  private final long seed;
  private final ExampleDecoder decoder;
  private final PipelineStats stats = new PipelineStats();
  private final BlockingQueue<Pending> inFlight;
  private final BlockingQueue<Ready> ready;
  private final ExecutorService workers;
  private final Thread producer;
  private final Thread assembler;
  private volatile boolean closed;
  private PipelinePosition position;
  private boolean finished;

  /** A record handed to a worker, in stream order. */
  private record Pending(long epoch, long index, Future<BatchAssembler.Prepared> result) {
    static final Pending END = new Pending(-1, -1, CompletableFuture.completedFuture(null));
  }

  /** A batch with the position after it, or the end (batch null, error null), or a failure. */
  private record Ready(DetectionBatch batch, PipelinePosition after, Throwable error) {}

  private InputPipeline(Builder b) {
    this.files = List.copyOf(b.files);
    this.batchSize = b.batchSize;
    this.options = b.options;
    this.transform = b.augmentation.andThen(b.resizer);
    this.seed = b.seed;
    this.decoder = new ExampleDecoder(b.labelMap);
    this.position = b.start;
    int capacity = Math.max(2 * options.numThreads(), batchSize * options.numPrefetchBatches()) + batchSize;
    this.inFlight = new ArrayBlockingQueue<>(capacity);
    this.ready = new ArrayBlockingQueue<>(options.numPrefetchBatches());
    int id = INSTANCES.incrementAndGet();
    AtomicInteger workerId = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(options.numThreads(), r -> {
      Thread t = new Thread(r, "input-" + id + "-worker-" + workerId.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    RecordStream stream = new RecordStream(files, options, seed, stats, b.start);
    this.producer = new Thread(() -> produce(stream), "input-" + id + "-reader");
    this.assembler = new Thread(this::assemble, "input-" + id + "-batcher");
    producer.setDaemon(true);
    assembler.setDaemon(true);
    producer.start();
    assembler.start();
  }

  public static Builder builder(List<Path> files, int batchSize) {
    return new Builder(files, batchSize);
  }

  /** The next batch, or null after the last one (only when num_epochs is set). */
  public DetectionBatch next() {
    if (finished) {
      return null;
    }
    if (closed) {
      throw new IllegalStateException("the input pipeline is closed");
    }
    Ready r;
    try {
      r = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for input", e);
    }
    if (r.error() != null) {
      finished = true;
      close();
      if (r.error() instanceof FinetuneException fe) {
        throw fe;
      }
      throw new IllegalStateException("input pipeline failed: " + r.error(), r.error());
    }
    if (r.batch() == null) {
      finished = true;
      close();
      return null;
    }
    position = r.after();
    return r.batch();
  }

  /** Where the stream stands after the last batch {@link #next()} returned. */
  public PipelinePosition position() {
    return position;
  }

  public PipelineStats stats() {
    return stats;
  }

  public int batchSize() {
    return batchSize;
  }

  private void produce(RecordStream stream) {
    try (stream) {
      while (!closed) {
        RecordStream.Item item = stream.next();
        if (item == null) {
          inFlight.put(Pending.END);
          return;
        }
        inFlight.put(new Pending(item.epoch(), item.index(), workers.submit(() -> prepare(item))));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      CompletableFuture<BatchAssembler.Prepared> failed = new CompletableFuture<>();
      failed.completeExceptionally(t);
      try {
        inFlight.put(new Pending(-1, -1, failed));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Parses, decodes and transforms one record; null when it is unusable and skipping is on. */
  private BatchAssembler.Prepared prepare(RecordStream.Item item) {
    try {
      Annotations a = decoder.annotations(item.record());
      DetectionExample ex = ExampleDecoder.decode(item.record(), a);
      Random rng = new Random(Seeds.of(seed, Seeds.EXAMPLE, item.epoch(), item.index()));
      return new BatchAssembler.Prepared(transform.apply(ex, rng), ex.height(), ex.width());
    } catch (DataException e) {
      if (!options.skipCorruptRecords()) {
        throw e;
      }
      stats.badExamples.incrementAndGet();
      LOG.warn("skipping unusable record: {}", e.getMessage());
      return null;
    }
  }

  private void assemble() {
    BatchAssembler batches = new BatchAssembler(options.maxNumberOfBoxes(), stats);
    List<BatchAssembler.Prepared> pending = new ArrayList<>(batchSize);
    PipelinePosition after = position;
    try {
      while (!closed) {
        Pending p = inFlight.take();
        BatchAssembler.Prepared ex;
        try {
          ex = p.result().get();
        } catch (ExecutionException e) {
          ready.put(new Ready(null, null, e.getCause()));
          return;
        }
        if (p == Pending.END) {
          if (!pending.isEmpty() && !options.dropRemainder()) {
            ready.put(new Ready(batches.assemble(pending), after, null));
          }
          ready.put(new Ready(null, null, null));
          return;
        }
        if (ex == null) {
          continue;
        }
        pending.add(ex);
        after = new PipelinePosition(p.epoch(), p.index() + 1);
        if (pending.size() == batchSize) {
          ready.put(new Ready(batches.assemble(pending), after, null));
          pending = new ArrayList<>(batchSize);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      try {
        ready.put(new Ready(null, null, t));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops the threads and closes the files; safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    producer.interrupt();
    assembler.interrupt();
    workers.shutdownNow();
    if (stats.corruptRecords() + stats.badExamples() + stats.truncatedExamples() > 0) {
      LOG.warn("input summary: {}", stats);
    }
  }

  /** Settings of an {@link InputPipeline}; {@link #open()} starts it. */
  public static final class Builder {
    private final List<Path> files;
    private final int batchSize;
    private PipelineOptions options = PipelineOptions.defaults();
    private ExampleTransform augmentation = ExampleTransform.identity();
    private ExampleTransform resizer = ExampleTransform.identity();
    private LabelMap labelMap;
    private long seed;
    private PipelinePosition start = PipelinePosition.START;

    private Builder(List<Path> files, int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
      }
      this.files = Objects.requireNonNull(files);
      this.batchSize = batchSize;
    }

    public Builder options(PipelineOptions v) {
      options = Objects.requireNonNull(v);
      return this;
    }

    /** The data augmentation (training only), applied first; none by default. */
    public Builder augmentation(ExampleTransform v) {
      augmentation = Objects.requireNonNull(v);
      return this;
    }

    /** The model's image_resizer, applied after the augmentation; none by default. */
    public Builder resizer(ExampleTransform v) {
      resizer = Objects.requireNonNull(v);
      return this;
    }

    /** Resolves class text and rejects ids the map does not have; null reads ids as they are. */
    public Builder labelMap(LabelMap v) {
      labelMap = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder startAt(PipelinePosition v) {
      start = Objects.requireNonNull(v);
      return this;
    }

    public InputPipeline open() {
      return new InputPipeline(this);
    }
  }
}
