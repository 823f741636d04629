package dev.finetune.checkpoint;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonWriter;
import dev.finetune.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A checkpoint's contents as JSON (inspect_checkpoint --json; the shapes are documented in its
 * help): the listing, one tensor with its values, every tensor, the TF2 object layout. Values:
 * numbers (half/bfloat16 widened to float; NaN and infinities as strings), true/false, [re, im] for
 * complex, UTF-8 strings ({"base64": ...} when not valid UTF-8), null for resource/variant tensors.
 */
public final class CheckpointJson {
  private CheckpointJson() {}

  /** {"file", "layout", "tensors": [{"name", "dtype", "shape", "size_bytes"}]}. */
  public static JsonObject listing(CheckpointReader reader) {
    JsonObject o = header(reader);
    JsonArray tensors = new JsonArray();
    for (TensorEntry e : reader.entries()) {
      JsonObject t = describe(e);
      t.addProperty("size_bytes", e.sizeBytes());
      tensors.add(t);
    }
    o.add("tensors", tensors);
    return o;
  }

  /** {"name", "dtype", "shape", "values": [...]}, all values row-major. */
  public static JsonObject tensor(TensorData data) {
    JsonObject o = describe(data.entry());
    JsonArray values = new JsonArray((int) Math.min(Integer.MAX_VALUE, data.size()));
    for (int i = 0; i < data.size(); i++) {
      values.add(value(data.get(i)));
    }
    o.add("values", values);
    return o;
  }

  /**
   * {"file", "layout", "tensors": [{"name", "dtype", "shape", "values"}]}, written to {@code out}
   * one tensor at a time (a checkpoint's values may not fit in memory twice).
   */
  public static void writeAllTensors(CheckpointReader reader, Writer out) {
    try {
      JsonWriter w = Json.streamTo(out);
      w.beginObject();
      header(reader).entrySet().forEach(p -> {
        try {
          w.name(p.getKey());
          Json.writeTo(w, p.getValue());
        } catch (IOException x) {
          throw new UncheckedIOException(x);
        }
      });
      w.name("tensors").beginArray();
      for (TensorEntry e : reader.entries()) {
        JsonObject t;
        if (e.isDecodable()) {
          t = tensor(reader.read(e.name()));
        } else {
          t = describe(e);
          t.add("values", JsonNull.INSTANCE);
        }
        Json.writeTo(w, t);
      }
      w.endArray();
      w.endObject();
      w.flush();
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }

  /**
   * {"file", "layout", "objects": [{"id", "path", "attributes": [{"name", "checkpoint_key"}],
   * "slot": {"variable", "optimizer", "name"}}]}; no "objects" for a TF1 checkpoint.
   */
  public static JsonObject layout(CheckpointReader reader) {
    JsonObject o = header(reader);
    Optional<ObjectGraph> graph = reader.objectGraph();
    if (graph.isEmpty()) {
      return o;
    }
    ObjectGraph g = graph.get();
    JsonArray objects = new JsonArray();
    for (int id = 0; id < g.size(); id++) {
      JsonObject node = new JsonObject();
      node.addProperty("id", id);
      node.addProperty("path", g.path(id));
      JsonArray attributes = new JsonArray();
      Optional<ObjectGraph.Slot> slot = Optional.empty();
      for (var a : g.proto().getNodes(id).getAttributesList()) {
        JsonObject attribute = new JsonObject();
        attribute.addProperty("name", a.getName());
        attribute.addProperty("checkpoint_key", a.getCheckpointKey());
        attributes.add(attribute);
        slot = g.forKey(a.getCheckpointKey()).flatMap(ObjectGraph.KeyInfo::slot);
      }
      node.add("attributes", attributes);
      if (slot.isPresent()) {
        JsonObject s = new JsonObject();
        s.addProperty("variable", slot.get().variablePath());
        s.addProperty("optimizer", slot.get().optimizerPath());
        s.addProperty("name", slot.get().slotName());
        node.add("slot", s);
      }
      objects.add(node);
    }
    o.add("objects", objects);
    return o;
  }

  /** One decoded value (an element of {@link TensorData#get}) as JSON. */
  public static JsonElement value(Object v) {
    if (v instanceof Float f) {
      return Json.number(f.floatValue());
    } else if (v instanceof Double d) {
      return Json.number(d.doubleValue());
    } else if (v instanceof Integer || v instanceof Long || v instanceof BigInteger) {
      return new JsonPrimitive((Number) v);
    } else if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    } else if (v instanceof float[] c) {
      JsonArray a = new JsonArray(2);
      a.add(Json.number(c[0]));
      a.add(Json.number(c[1]));
      return a;
    } else if (v instanceof double[] c) {
      JsonArray a = new JsonArray(2);
      a.add(Json.number(c[0]));
      a.add(Json.number(c[1]));
      return a;
    }
    byte[] b = (byte[]) v;
    try {
      return new JsonPrimitive(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b)).toString());
    } catch (CharacterCodingException notUtf8) {
      JsonObject o = new JsonObject();
      o.addProperty("base64", Base64.getEncoder().encodeToString(b));
      return o;
    }
  }

  private static JsonObject header(CheckpointReader reader) {
    JsonObject o = new JsonObject();
    o.addProperty("file", reader.prefix().toString());
    o.addProperty("layout", reader.layout().id());
    return o;
  }

  private static JsonObject describe(TensorEntry e) {
    JsonObject o = new JsonObject();
    o.addProperty("name", e.name());
    o.addProperty("dtype", e.dtypeName());
    o.add("shape", Json.array(e.shape()));
    return o;
  }
}
