package dev.finetune.data.pipeline;

import dev.finetune.data.DataException;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.DetectionExample;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stacks examples into a {@link DetectionBatch}, padding every box list with zeros to
 * max_number_of_boxes or truncating it to its first max_number_of_boxes boxes (as the API's
 * {@code pad_input_data_to_static_shapes} does), with one warning and a count of what was cut.
 */
final class BatchAssembler {
  private static final Logger LOG = LoggerFactory.getLogger(BatchAssembler.class);

  private final int maxBoxes;
  private final PipelineStats stats;
  private boolean warned;

  BatchAssembler(int maxBoxes, PipelineStats stats) {
    this.maxBoxes = maxBoxes;
    this.stats = stats;
  }

  /** An example after its transforms, with the size it had as decoded (before them). */
  record Prepared(DetectionExample example, int originalHeight, int originalWidth) {}

  DetectionBatch assemble(List<Prepared> prepared) {
    List<DetectionExample> examples = prepared.stream().map(Prepared::example).toList();
    int b = examples.size();
    DetectionExample first = examples.get(0);
    int h = first.height();
    int w = first.width();
    int pixels = h * w * 3;
    float[] images = new float[b * pixels];
    float[] boxes = new float[b * maxBoxes * 4];
    int[] classes = new int[b * maxBoxes];
    float[] weights = new float[b * maxBoxes];
    int[] numBoxes = new int[b];
    String[] sourceIds = new String[b];
    int[] originalHeights = new int[b];
    int[] originalWidths = new int[b];
    boolean[] difficult = new boolean[b * maxBoxes];
    boolean[] isCrowd = new boolean[b * maxBoxes];
    for (int i = 0; i < b; i++) {
      DetectionExample ex = examples.get(i);
      if (ex.height() != h || ex.width() != w) {
        throw new DataException(
            "example " + ex.sourceId() + " is " + ex.height() + "x" + ex.width() + " after preprocessing but "
                + first.sourceId() + " in the same batch is " + h + "x" + w + ": a batch_size above 1 needs"
                + " an image_resizer with a fixed output size (fixed_shape_resizer, or"
                + " keep_aspect_ratio_resizer with pad_to_max_dimension: true)");
      }
      System.arraycopy(ex.pixels(), 0, images, i * pixels, pixels);
      int n = ex.numBoxes();
      int kept = Math.min(n, maxBoxes);
      if (n > maxBoxes) {
        stats.truncatedExamples.incrementAndGet();
        stats.droppedBoxes.addAndGet(n - maxBoxes);
        if (!warned) {
          warned = true;
          LOG.warn(
              "example {} has {} boxes, more than max_number_of_boxes {}: keeping the first {}. Raise"
                  + " max_number_of_boxes in the input reader to keep them all (warned once; the count"
                  + " is in the input summary)", ex.sourceId(), n, maxBoxes, maxBoxes);
        }
      }
      System.arraycopy(ex.boxes(), 0, boxes, i * maxBoxes * 4, kept * 4);
      System.arraycopy(ex.classes(), 0, classes, i * maxBoxes, kept);
      System.arraycopy(ex.weights(), 0, weights, i * maxBoxes, kept);
      System.arraycopy(ex.difficult(), 0, difficult, i * maxBoxes, kept);
      System.arraycopy(ex.isCrowd(), 0, isCrowd, i * maxBoxes, kept);
      numBoxes[i] = kept;
      sourceIds[i] = ex.sourceId();
      originalHeights[i] = prepared.get(i).originalHeight();
      originalWidths[i] = prepared.get(i).originalWidth();
    }
    stats.examples.addAndGet(b);
    stats.batches.incrementAndGet();
    return new DetectionBatch(b, h, w, maxBoxes, images, boxes, classes, weights, numBoxes, sourceIds,
        originalHeights, originalWidths, difficult, isCrowd);
  }
}
