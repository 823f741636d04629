package dev.finetune.cli;

import com.google.gson.stream.JsonWriter;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.ObjectGraph;
import dev.finetune.checkpoint.TensorData;
import dev.finetune.checkpoint.TensorEntry;
import dev.finetune.config.UserPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finetune inspect_checkpoint}: TensorFlow's inspect_checkpoint tool, in Java. */
@Command(
    name = "inspect_checkpoint",
    aliases = "inspect-checkpoint",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "List the tensors of a TensorFlow checkpoint, or print their values.",
      "Reads TF1 Saver, TF2 object-based and SavedModel variables checkpoints in pure Java"
          + " (TensorFlow is not loaded). Every block and tensor read is checked against its CRC32C."
    },
    footer = {
      "",
      "JSON output (--json), stable for scripts:",
      "  listing:     {\"file\": PREFIX, \"layout\": \"tf1\"|\"tf2\", \"tensors\":",
      "                [{\"name\", \"dtype\", \"shape\": [dims], \"size_bytes\"}, ...]}",
      "  one tensor:  {\"name\", \"dtype\", \"shape\", \"values\": [...]}",
      "                (all values, row-major)",
      "  all tensors: {\"file\", \"layout\", \"tensors\":",
      "                [{\"name\", \"dtype\", \"shape\", \"values\"}, ...]}",
      "  --layout:    {\"file\", \"layout\", \"objects\": [{\"id\", \"path\",",
      "                \"attributes\": [{\"name\", \"checkpoint_key\"}],",
      "                \"slot\": {\"variable\", \"optimizer\", \"name\"}}]}",
      "  Values: numbers (half/bfloat16 widened to float; NaN and infinities as",
      "  the strings \"NaN\", \"Infinity\", \"-Infinity\"), true/false for bool,",
      "  [re, im] for complex, UTF-8 strings for string tensors ({\"base64\": ...}",
      "  when not valid UTF-8), null for resource/variant tensors.",
      "",
      "Exit codes: 0 success, 2 bad command line, 4 missing, corrupt or unreadable",
      "checkpoint."
    })
final class InspectCheckpointCommand implements Callable<Integer> {
  /** Tensors with more elements than this print a summary unless --all_values. */
  private static final int SUMMARY_THRESHOLD = 20;
  private static final int SUMMARY_VALUES = 10;

  @Option(
      names = {"--file_name", "--file-name"},
      required = true,
      paramLabel = "PREFIX_OR_DIR",
      description = "Checkpoint prefix (model.ckpt-1200), one of its files, a training directory"
          + " (its latest checkpoint) or a SavedModel (or its variables/ directory).")
  String fileName;

  @Option(
      names = {"--tensor_name", "--tensor-name"},
      paramLabel = "NAME",
      description = "Print this tensor's values.")
  String tensorName;

  @Option(
      names = {"--all_tensors", "--all-tensors"},
      description = "Print the values of every tensor.")
  boolean allTensors;

  @Option(
      names = {"--all_values", "--all-values"},
      description = "Print every value, not a summary, of large tensors.")
  boolean allValues;

  @Option(names = "--json", description = "Machine-readable JSON output (see below).")
  boolean json;

  @Option(
      names = "--layout",
      description = "Say whether the checkpoint uses TF1 names or TF2 object paths; for TF2 print"
          + " the object tree.")
  boolean layout;

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (CheckpointReader reader = CheckpointReader.open(UserPaths.resolve(fileName))) {
      if (json) {
        JsonWriter w = new JsonWriter(out);
        if (layout) {
          writeLayoutJson(w, reader);
        } else if (tensorName != null) {
          writeTensorJson(w, reader.read(tensorName));
        } else if (allTensors) {
          writeAllTensorsJson(w, reader);
        } else {
          writeListingJson(w, reader);
        }
        w.flush();
        out.println();
      } else if (layout) {
        printLayout(out, reader);
      } else if (tensorName != null) {
        printTensor(out, reader, reader.entry(tensorName));
      } else if (allTensors) {
        for (TensorEntry e : reader.entries()) {
          printTensor(out, reader, e);
        }
      } else {
        printListing(out, reader);
      }
    }
    out.flush();
    return 0;
  }

  // ---- text output ----------------------------------------------------------------------------

  private static void printListing(PrintWriter out, CheckpointReader reader) {
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

  private void printTensor(PrintWriter out, CheckpointReader reader, TensorEntry e) {
    out.printf("tensor_name: %s%n", e.name());
    out.printf("  dtype: %s  shape: %s  size: %s%n", e.dtypeName(), e.shapeString(),
        humanBytes(e.sizeBytes()));
    if (!e.isDecodable()) {
      out.println("  (a " + e.dtypeName() + " tensor: listed, values not decoded)");
      return;
    }
    printValues(out, reader.read(e.name()));
  }

  private void printValues(PrintWriter out, TensorData data) {
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

  private static String text(Object v) {
    if (v instanceof byte[] b) {
      return quoteBytes(b);
    } else if (v instanceof float[] c) {
      return "(" + c[0] + (c[1] < 0 ? "" : "+") + c[1] + "j)";
    } else if (v instanceof double[] c) {
      return "(" + c[0] + (c[1] < 0 ? "" : "+") + c[1] + "j)";
    }
    return String.valueOf(v);
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

  private static String humanBytes(long bytes) {
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

  private static void printLayout(PrintWriter out, CheckpointReader reader) {
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

  // ---- JSON output ----------------------------------------------------------------------------

  private static void writeListingJson(JsonWriter w, CheckpointReader reader) throws IOException {
    w.beginObject();
    w.name("file").value(reader.prefix().toString());
    w.name("layout").value(reader.layout().id());
    w.name("tensors").beginArray();
    for (TensorEntry e : reader.entries()) {
      w.beginObject();
      w.name("name").value(e.name());
      w.name("dtype").value(e.dtypeName());
      writeShape(w, e);
      w.name("size_bytes").value(e.sizeBytes());
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }

  private static void writeAllTensorsJson(JsonWriter w, CheckpointReader reader) throws IOException {
    w.beginObject();
    w.name("file").value(reader.prefix().toString());
    w.name("layout").value(reader.layout().id());
    w.name("tensors").beginArray();
    for (TensorEntry e : reader.entries()) {
      if (e.isDecodable()) {
        writeTensorJson(w, reader.read(e.name()));
      } else {
        w.beginObject();
        w.name("name").value(e.name());
        w.name("dtype").value(e.dtypeName());
        writeShape(w, e);
        w.name("values").nullValue();
        w.endObject();
      }
    }
    w.endArray();
    w.endObject();
  }

  private static void writeShape(JsonWriter w, TensorEntry e) throws IOException {
    w.name("shape").beginArray();
    for (long d : e.shape()) {
      w.value(d);
    }
    w.endArray();
  }

  private static void writeTensorJson(JsonWriter w, TensorData data) throws IOException {
    TensorEntry e = data.entry();
    w.beginObject();
    w.name("name").value(e.name());
    w.name("dtype").value(e.dtypeName());
    writeShape(w, e);
    w.name("values").beginArray();
    for (int i = 0; i < data.size(); i++) {
      writeValue(w, data.get(i));
    }
    w.endArray();
    w.endObject();
  }

  private static void writeValue(JsonWriter w, Object v) throws IOException {
    if (v instanceof Float f) {
      writeNumber(w, f, f.isNaN() || f.isInfinite());
    } else if (v instanceof Double d) {
      writeNumber(w, d, d.isNaN() || d.isInfinite());
    } else if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
      w.value((Number) v);
    } else if (v instanceof Boolean b) {
      w.value(b);
    } else if (v instanceof float[] c) {
      w.beginArray();
      writeValue(w, c[0]);
      writeValue(w, c[1]);
      w.endArray();
    } else if (v instanceof double[] c) {
      w.beginArray();
      writeValue(w, c[0]);
      writeValue(w, c[1]);
      w.endArray();
    } else {
      byte[] b = (byte[]) v;
      try {
        w.value(StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b)).toString());
      } catch (CharacterCodingException notUtf8) {
        w.beginObject().name("base64").value(Base64.getEncoder().encodeToString(b)).endObject();
      }
    }
  }

  private static void writeNumber(JsonWriter w, Number n, boolean special) throws IOException {
    if (special) {
      w.value(n.toString()); // JSON has no NaN or infinity
    } else {
      w.value(n);
    }
  }

  private static void writeLayoutJson(JsonWriter w, CheckpointReader reader) throws IOException {
    w.beginObject();
    w.name("file").value(reader.prefix().toString());
    w.name("layout").value(reader.layout().id());
    Optional<ObjectGraph> graph = reader.objectGraph();
    if (graph.isPresent()) {
      ObjectGraph g = graph.get();
      w.name("objects").beginArray();
      for (int id = 0; id < g.size(); id++) {
        w.beginObject();
        w.name("id").value(id);
        w.name("path").value(g.path(id));
        w.name("attributes").beginArray();
        Optional<ObjectGraph.Slot> slot = Optional.empty();
        for (var a : g.proto().getNodes(id).getAttributesList()) {
          w.beginObject();
          w.name("name").value(a.getName());
          w.name("checkpoint_key").value(a.getCheckpointKey());
          w.endObject();
          slot = g.forKey(a.getCheckpointKey()).flatMap(ObjectGraph.KeyInfo::slot);
        }
        w.endArray();
        if (slot.isPresent()) {
          w.name("slot").beginObject();
          w.name("variable").value(slot.get().variablePath());
          w.name("optimizer").value(slot.get().optimizerPath());
          w.name("name").value(slot.get().slotName());
          w.endObject();
        }
        w.endObject();
      }
      w.endArray();
    }
    w.endObject();
  }
}
