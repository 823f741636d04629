package dev.finetune.config;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The fields two configs set differently, as {@code path: old -> new} lines (paths as
 * {@code --set} writes them: {@code train_config.optimizer.rms_prop_optimizer.decay},
 * {@code eval_input_reader[0].label_map_path}). Resume uses it to compare the config of a run with
 * the one it started with.
 */
public final class ConfigDiff {
  /** One field that differs; a side that does not set it shows as {@code null}. */
  public record Change(String path, String before, String after) {
    @Override
    public String toString() {
      return path + ": " + (before == null ? "(unset)" : before) + " -> "
          + (after == null ? "(unset)" : after);
    }
  }

  private ConfigDiff() {}

  public static List<Change> between(Message before, Message after) {
    Map<String, String> a = flatten(before);
    Map<String, String> b = flatten(after);
    List<Change> changes = new ArrayList<>();
    a.forEach((path, value) -> {
      if (!Objects.equals(value, b.get(path))) {
        changes.add(new Change(path, value, b.get(path)));
      }
    });
    b.forEach((path, value) -> {
      if (!a.containsKey(path)) {
        changes.add(new Change(path, null, value));
      }
    });
    return changes;
  }

  /** Every set scalar field of {@code m} by its path, in field order. */
  static Map<String, String> flatten(Message m) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten(m, "", out);
    return out;
  }

  private static void flatten(Message m, String prefix, Map<String, String> out) {
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      String path = prefix + f.getName();
      if (f.isRepeated()) {
        List<?> values = (List<?>) e.getValue();
        for (int i = 0; i < values.size(); i++) {
          put(f, values.get(i), path + "[" + i + "]", out);
        }
      } else {
        put(f, e.getValue(), path, out);
      }
    }
  }

  private static void put(FieldDescriptor f, Object value, String path, Map<String, String> out) {
    if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      Message child = (Message) value;
      if (child.getAllFields().isEmpty()) {
        out.put(path, "{}"); // an empty message still selects a oneof case
      } else {
        flatten(child, path + ".", out);
      }
    } else if (f.getJavaType() == FieldDescriptor.JavaType.STRING) {
      out.put(path, "\"" + value + "\"");
    } else {
      out.put(path, String.valueOf(value));
    }
  }
}
