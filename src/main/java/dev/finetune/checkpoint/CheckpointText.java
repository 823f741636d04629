package dev.finetune.checkpoint;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * A checkpoint's contents as text for people (inspect_checkpoint without --json): the listing, a
 * tensor's values (large tensors as a summary: count, min, max, mean, std, NaNs, the first values),
 * the TF2 object tree.
 */
public final class CheckpointText {
  /** Tensors with more elements than this print a summary unless all values are asked for. */
  public static final int SUMMARY_THRESHOLD = 20;
  private static final int SUMMARY_VALUES = 10;

  private CheckpointText() {}

  /** One line per tensor (name, dtype, shape, size, shard or partitioning), then the totals. */
  public static void printListing(PrintWriter out, CheckpointReader reader) {
    List<TensorEntry> entries = reader.entries();
    out.printf("Checkpoint %s (%s, %d data shard%s)%n", reader.prefix(), reader.layout().id(),
        reader.numShards(), reader.numShards() == 1 ? "" : "s");
    int nameWidth = entries.stream().mapToInt(e -> e.name().length()).max().orElse(4);
    int dtypeWidth = entries.stream().mapToInt(e -> e.dtypeName().length()).max().orElse(5);
    int shapeWidth = entries.stream().mapToInt(e -> e.shapeString().length()).max().orElse(5);
    long values = 0;
    long bytes = 0;
    for (TensorEntry e : entries) {
      out.printf("  %-" + nameWidth + "s  %-" + dtypeWidth + "s  %-" + shapeWidth + "s  %10s%s%s%n",
          e.name(), e.dtypeName(), e.shapeString(), humanBytes(e.sizeBytes()),
          reader.numShards() > 1 && !e.isSliced() ? "  shard " + e.shardId() : "",
          e.isSliced() ? "  (partitioned, " + e.slices().size() + " slices)" : "");
      values += e.numElements();
      bytes += e.sizeBytes();
    }
    out.printf("%d tensors, %,d values, %s%n", entries.size(), values, humanBytes(bytes));
  }

  /** The tensor's name, dtype, shape and size, then its values ({@link #printValues}). */
  public static void printTensor(PrintWriter out, CheckpointReader reader, TensorEntry e, boolean allValues) {
    out.printf("tensor_name: %s%n", e.name());
    out.printf("  dtype: %s  shape: %s  size: %s%n", e.dtypeName(), e.shapeString(),
        humanBytes(e.sizeBytes()));
    if (!e.isDecodable()) {
      out.println("  (a " + e.dtypeName() + " tensor: listed, values not decoded)");
      return;
    }
    printValues(out, reader.read(e.name()), allValues);
  }

  /**
   * Every value when {@code allValues} or the tensor is small; else a statistics line and the first
   * values.
   */
  public static void printValues(PrintWriter out, TensorData data, boolean allValues) {
    long n = data.size();
    boolean all = allValues || n <= SUMMARY_THRESHOLD;
    if (!data.isString() && !data.isComplex() && n > 0 && !all) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double mean = 0;
      double m2 = 0;
      long nan = 0;
      long count = 0;
      for (int i = 0; i < n; i++) {
        double v = data.getDouble(i);
        if (Double.isNaN(v)) {
          nan++;
          continue;
        }
        min = Math.min(min, v);
        max = Math.max(max, v);
        count++;
        double d = v - mean; // Welford: stable for millions of values
        mean += d / count;
        m2 += d * (v - mean);
      }
      double std = count > 0 ? Math.sqrt(m2 / count) : Double.NaN;
      out.printf("  count %,d  min %s  max %s  mean %s  std %s%s%n", n, fmt(min), fmt(max),
          fmt(mean), fmt(std), nan > 0 ? "  NaN " + nan : "");
    }
    int shown = all ? (int) n : (int) Math.min(n, SUMMARY_VALUES);
    StringBuilder sb = new StringBuilder("  [");
    for (int i = 0; i < shown; i++) {
      sb.append(i == 0 ? "" : ", ").append(text(data.get(i)));
    }
    if (shown < n) {
      sb.append(", ... (").append(n - shown).append(" more; --all_values prints all)");
    }
    out.println(sb.append(']'));
  }

  /** Whether the checkpoint uses TF1 names or TF2 object paths; for TF2 the object tree. */
  public static void printLayout(PrintWriter out, CheckpointReader reader) {
    Optional<ObjectGraph> graph = reader.objectGraph();
    if (graph.isEmpty()) {
      out.printf("%s: layout tf1 (TF1 Saver: keys are graph variable names, no object graph)%n",
          reader.prefix());
      return;
    }
    out.printf("%s: layout tf2 (object-based: keys are object paths; %d objects)%n",
        reader.prefix(), graph.get().size());
    out.print(graph.get().tree(key -> reader.find(key)
        .map(e -> key + "  " + e.dtypeName() + " " + e.shapeString())
        .orElse(key + "  (not in the checkpoint)")));
  }

  /** One decoded value as Python prints it: numbers, b'bytes', (re+imj). */
  public static String text(Object v) {
    if (v instanceof byte[] b) {
      return quoteBytes(b);
    } else if (v instanceof float[] c) {
      return "(" + c[0] + (c[1] < 0 ? "" : "+") + c[1] + "j)";
    } else if (v instanceof double[] c) {
      return "(" + c[0] + (c[1] < 0 ? "" : "+") + c[1] + "j)";
    }
    return String.valueOf(v);
  }

  /** 512 B, 1.5 KiB, 23.0 MiB ... */
  public static String humanBytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format("%.1f %s", v, units[u]);
  }

  private static String quoteBytes(byte[] b) {
    StringBuilder sb = new StringBuilder("b'");
    int limit = Math.min(b.length, 200);
    for (int i = 0; i < limit; i++) {
      int c = b[i] & 0xff;
      if (c == '\'' || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    sb.append('\'');
    return b.length > limit ? sb + "... (" + b.length + " bytes)" : sb.toString();
  }

  private static String fmt(double d) {
    return String.format("%.6g", d);
  }
}
