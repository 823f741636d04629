package dev.finetune.data.pipeline;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an input pipeline stands: the epoch of the next example to deliver and its index within
 * that epoch's (shuffled, sampled) stream. A pipeline opened at a position delivers exactly the
 * batches the original run would have delivered next; only the record framing of the examples
 * before it is re-read, no image is decoded.
 */
public record PipelinePosition(long epoch, long index) implements Serializable {
  public static final PipelinePosition START = new PipelinePosition(0, 0);
  private static final Pattern TEXT = Pattern.compile("epoch=(\\d+),index=(\\d+)");

  public PipelinePosition {
    if (epoch < 0 || index < 0) {
      throw new IllegalArgumentException("PipelinePosition: negative epoch or index");
    }
  }

  /** The form {@link #parse} reads back, e.g. {@code epoch=3,index=120}. */
  @Override
  public String toString() {
    return "epoch=" + epoch + ",index=" + index;
  }

  public static PipelinePosition parse(String text) {
    Matcher m = TEXT.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("not an input pipeline position: '" + text + "' (expected epoch=E,index=I)");
    }
    return new PipelinePosition(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
  }
}
