package dev.finetune.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies command-line overrides {@code --set FIELD_PATH=VALUE} to a config builder, e.g. {@code
 * train_config.batch_size=8}, {@code eval_input_reader[0].label_map_path=data/x.pbtxt}, {@code
 * train_config.freeze_variables=[".*FeatureExtractor.*"]}, {@code
 * train_config.optimizer.momentum_optimizer.learning_rate={constant_learning_rate{learning_rate:0.01}}}.
 *
 * <p>Values are read as text-format values of the field's type, so they take the same spelling as in
 * the config file; strings may be left unquoted. A repeated field given without an index is replaced
 * by the list (or the single value); {@code [N]} with N equal to the current size appends.
 */
public final class FieldOverrides {
  private static final Pattern SEGMENT = Pattern.compile("(\\w+)(?:\\[(\\d+)\\])?");

  private FieldOverrides() {}

  /** Applies one {@code path=value} override. */
  public static void apply(Message.Builder root, String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException(
          "--set " + override + ": expected FIELD_PATH=VALUE, e.g. --set train_config.batch_size=8");
    }
    String path = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    try {
      applyPath(root, path, value);
    } catch (ConfigException e) {
      throw new ConfigException("--set " + override + ": " + e.getMessage(), e);
    }
  }

  private static void applyPath(Message.Builder root, String path, String value) {
    String[] segments = path.split("\\.");
    Message.Builder current = root;
    StringBuilder walked = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      Matcher m = SEGMENT.matcher(segments[i]);
      if (!m.matches()) {
        throw new ConfigException("\"" + segments[i] + "\" is not a field name (or name[index])");
      }
      String name = m.group(1);
      Integer index = m.group(2) == null ? null : Integer.parseInt(m.group(2));
      FieldDescriptor field = field(current.getDescriptorForType(), name, walked.toString());
      if (walked.length() > 0) {
        walked.append('.');
      }
      walked.append(segments[i]);
      if (index != null && !field.isRepeated()) {
        throw new ConfigException(walked + ": " + name + " is not a repeated field; drop the [" + index + "]");
      }
      boolean last = i == segments.length - 1;
      if (last) {
        setValue(current, field, index, value, walked.toString());
        return;
      }
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        throw new ConfigException(
            walked + " is a " + typeName(field) + ", it has no field \"" + segments[i + 1] + "\"");
      }
      checkOneof(current, field, walked.toString());
      if (field.isRepeated()) {
        if (index == null) {
          throw new ConfigException(
              walked + " is repeated: say which element, e.g. " + walked + "[0]."
                  + segments[i + 1]);
        }
        current = repeatedElement(current, field, index, walked.toString());
      } else {
        current = current.getFieldBuilder(field);
      }
    }
  }

  private static FieldDescriptor field(Descriptor type, String name, String parentPath) {
    FieldDescriptor f = type.findFieldByName(name);
    if (f != null) {
      return f;
    }
    List<String> names = new ArrayList<>();
    for (FieldDescriptor candidate : type.getFields()) {
      names.add(candidate.getName());
    }
    String where = parentPath.isEmpty() ? "the pipeline config" : parentPath;
    String prefix = parentPath.isEmpty() ? "" : parentPath + ".";
    String suggestion = Suggestions.didYouMean(name, names, prefix);
    throw new ConfigException(
        "no field \"" + name + "\" in " + where + " (" + type.getName() + ")."
            + (suggestion.isEmpty() ? " Valid fields: " + String.join(", ", names) + "." : suggestion));
  }

  /** Refuses to switch a oneof: e.g. {@code model.ssd.x} on a Faster R-CNN config is a mistake. */
  private static void checkOneof(Message.Builder parent, FieldDescriptor field, String path) {
    OneofDescriptor oneof = field.getContainingOneof();
    if (oneof == null) {
      return;
    }
    FieldDescriptor set = parent.getOneofFieldDescriptor(oneof);
    if (set != null && set != field) {
      throw new ConfigException(
          path + ": this config's " + oneof.getName() + " is \"" + set.getName() + "\", not \""
              + field.getName() + "\". Override fields under " + set.getName() + " instead, or"
              + " replace the whole " + oneof.getName() + " in the config file.");
    }
  }

  private static Message.Builder repeatedElement(
      Message.Builder parent, FieldDescriptor field, int index, String path) {
    int size = parent.getRepeatedFieldCount(field);
    if (index == size) {
      parent.addRepeatedField(field, parent.newBuilderForField(field).build());
    } else if (index > size) {
      throw new ConfigException(
          path + ": " + field.getName() + " has " + size + " element" + (size == 1 ? "" : "s")
              + " (valid indexes 0.." + size + ", where " + size + " appends one)");
    }
    return parent.getRepeatedFieldBuilder(field, index);
  }

  private static void setValue(
      Message.Builder parent, FieldDescriptor field, Integer index, String value, String path) {
    checkOneof(parent, field, path);
    Message.Builder scratch = parent.getDefaultInstanceForType().newBuilderForType();
    boolean list = value.startsWith("[") && value.endsWith("]");
    if (list && (!field.isRepeated() || index != null)) {
      throw new ConfigException(path + " takes one value, not a list");
    }
    String snippet = field.getName() + ": " + (list ? quoteList(field, value) : quote(field, value));
    try {
      TextFormat.merge(snippet, scratch);
    } catch (TextFormat.ParseException e) {
      String detail = e.getMessage().replaceFirst("^\\d+:\\d+:\\s*", "");
      String why = detail.contains("must be positive") ? "this field cannot be negative" : detail;
      throw new ConfigException(
          "cannot read \"" + value + "\" as " + typeName(field) + " for " + path + " (" + why
              + ")" + enumHint(field, value));
    }
    if (!field.isRepeated()) {
      parent.setField(field, scratch.getField(field));
    } else if (index == null) {
      parent.clearField(field);
      for (int i = 0; i < scratch.getRepeatedFieldCount(field); i++) {
        parent.addRepeatedField(field, scratch.getRepeatedField(field, i));
      }
    } else {
      Object element = scratch.getRepeatedField(field, 0);
      int size = parent.getRepeatedFieldCount(field);
      if (index < size) {
        parent.setRepeatedField(field, index, element);
      } else if (index == size) {
        parent.addRepeatedField(field, element);
      } else {
        throw new ConfigException(
            path + ": " + field.getName() + " has " + size + " elements (valid indexes 0.." + size
                + ", where " + size + " appends one)");
      }
    }
  }

  private static String enumHint(FieldDescriptor field, String value) {
    if (field.getType() != FieldDescriptor.Type.ENUM) {
      return "";
    }
    List<String> names = new ArrayList<>();
    field.getEnumType().getValues().forEach(v -> names.add(v.getName()));
    return "." + Suggestions.didYouMean(value, names) + " Valid values: " + String.join(", ", names);
  }

  private static String quoteList(FieldDescriptor field, String list) {
    String inner = list.substring(1, list.length() - 1).trim();
    if (inner.isEmpty() || field.getJavaType() != FieldDescriptor.JavaType.STRING) {
      return list;
    }
    List<String> items = new ArrayList<>();
    for (String item : splitTopLevel(inner)) {
      items.add(quote(field, item.trim()));
    }
    return "[" + String.join(", ", items) + "]";
  }

  /** Splits on commas that are not inside quotes. */
  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\' && i + 1 < s.length()) {
          cur.append(c).append(s.charAt(++i));
          continue;
        }
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ',') {
        parts.add(cur.toString());
        cur.setLength(0);
        continue;
      }
      cur.append(c);
    }
    parts.add(cur.toString());
    return parts;
  }

  private static String quote(FieldDescriptor field, String value) {
    boolean isString =
        field.getJavaType() == FieldDescriptor.JavaType.STRING
            || field.getJavaType() == FieldDescriptor.JavaType.BYTE_STRING;
    if (!isString || value.startsWith("\"") || value.startsWith("'")) {
      return value;
    }
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static String typeName(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case MESSAGE -> "a message (" + field.getMessageType().getName() + ", written {...})";
      case ENUM -> "an enum (" + field.getEnumType().getName() + ")";
      case INT, LONG -> "an integer";
      case FLOAT, DOUBLE -> "a number";
      case BOOLEAN -> "a boolean (true/false)";
      case STRING, BYTE_STRING -> "a string";
    };
  }
}
