package dev.finetune.data.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/** What the pipeline skipped, truncated and delivered; safe to read from any thread. */
public final class PipelineStats {
  final AtomicLong corruptRecords = new AtomicLong();
  final AtomicLong badExamples = new AtomicLong();
  final AtomicLong examples = new AtomicLong();
  final AtomicLong batches = new AtomicLong();
  final AtomicLong truncatedExamples = new AtomicLong();
  final AtomicLong droppedBoxes = new AtomicLong();

  /** Records whose framing was damaged (bad CRC, truncated), skipped with --skip_corrupt_records. */
  public long corruptRecords() {
    return corruptRecords.get();
  }

  /** Records that framed correctly but could not be used (undecodable image, bad boxes, unknown label). */
  public long badExamples() {
    return badExamples.get();
  }

  public long examples() {
    return examples.get();
  }

  public long batches() {
    return batches.get();
  }

  /** Examples with more than max_number_of_boxes boxes, and the boxes cut from them. */
  public long truncatedExamples() {
    return truncatedExamples.get();
  }

  public long droppedBoxes() {
    return droppedBoxes.get();
  }

  @Override
  public String toString() {
    return examples() + " examples in " + batches() + " batches; skipped " + corruptRecords()
        + " corrupt records and " + badExamples() + " unusable examples; truncated " + truncatedExamples()
        + " examples to max_number_of_boxes (" + droppedBoxes() + " boxes dropped)";
  }
}
