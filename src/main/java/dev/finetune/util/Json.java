package dev.finetune.util;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one way finetune writes JSON (reports, tool output, {@code *.jsonl} logs): Gson trees, no
 * HTML escaping, and the same value conventions everywhere: NaN and infinities (which JSON cannot
 * hold) become the strings "NaN", "Infinity", "-Infinity" ({@link #number(double)}).
 *
 * <pre>{@code
 * Json.write(modelDir.resolve("restore_report.json"), report);   // pretty, atomic
 * Json.appendLine(modelDir.resolve("metrics.jsonl"), record);    // one compact line per record
 * out.println(Json.pretty(tree));                                 // tools' --json output
 * }</pre>
 */
public final class Json {
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
  private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().create();

  private Json() {}

  /** Indented, for files and tool output people read too. */
  public static String pretty(JsonElement e) {
    return PRETTY.toJson(e);
  }

  /** One line, no trailing newline: a JSON Lines record or compact tool output. */
  public static String line(JsonElement e) {
    return COMPACT.toJson(e);
  }

  /**
   * Writes {@code e} (pretty, with a final newline) to {@code file}: to a temporary file beside it,
   * then renamed into place, so a reader (or a crash) never sees half a file.
   */
  public static void write(Path file, JsonElement e) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.writeString(file, pretty(e) + "\n");
    } catch (IOException x) {
      throw new UncheckedIOException("cannot write " + file + ": " + x.getMessage(), x);
    }
  }

  /** Appends {@code record} as one line (JSON Lines) to {@code file}, creating it if needed. */
  public static void appendLine(Path file, JsonObject record) {
    try {
      Files.writeString(file, line(record) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException x) {
      throw new UncheckedIOException("cannot append to " + file + ": " + x.getMessage(), x);
    }
  }

  /**
   * Writes {@code e} compactly to {@code out} without building a string first; for output too large
   * to hold twice (every value of a checkpoint).
   */
  public static void writeTo(Writer out, JsonElement e) {
    COMPACT.toJson(e, out);
  }

  /**
   * A streaming writer with the same settings, for a document whose parts are written one at a time
   * with {@link #writeTo(JsonWriter, JsonElement)} (an array of large elements).
   */
  public static JsonWriter streamTo(Writer out) {
    try {
      return COMPACT.newJsonWriter(out);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  /** Writes one element at the writer's position (inside an array or after a name). */
  public static void writeTo(JsonWriter out, JsonElement e) {
    COMPACT.toJson(e, out);
  }

  /** A number; NaN and infinities as the strings "NaN", "Infinity", "-Infinity". */
  public static JsonPrimitive number(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? new JsonPrimitive(Double.toString(v)) : new JsonPrimitive(v);
  }

  /** As {@link #number(double)}, keeping float's shortest text (0.1f is written 0.1). */
  public static JsonPrimitive number(float v) {
    return Float.isNaN(v) || Float.isInfinite(v) ? new JsonPrimitive(Float.toString(v)) : new JsonPrimitive(v);
  }

  /** [d0, d1, ...], e.g. a shape. */
  public static JsonArray array(long... values) {
    JsonArray a = new JsonArray(values.length);
    for (long v : values) {
      a.add(v);
    }
    return a;
  }

  /** [d0, d1, ...]. */
  public static JsonArray array(int... values) {
    JsonArray a = new JsonArray(values.length);
    for (int v : values) {
      a.add(v);
    }
    return a;
  }

  /** ["a", "b", ...]. */
  public static JsonArray strings(Iterable<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }
}
