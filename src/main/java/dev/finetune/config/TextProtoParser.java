package dev.finetune.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TextFormatParseInfoTree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses text-format protos (pipeline configs, label maps) as the Object Detection API does ({@code
 * text_format.Merge}: {@code #} comments, repeated fields given once or many times, a singular
 * field given twice keeps the last value) and turns protobuf's parse errors into messages that name
 * {@code file:line:column}, the offending token and, for a misspelled field or enum value, the
 * nearest valid names.
 */
public final class TextProtoParser {
  private static final Pattern UNKNOWN_FIELD =
      Pattern.compile("(\\d+):(\\d+):\\s*([\\w.]+)\\.(\\w+)");
  private static final Pattern NO_FIELD =
      Pattern.compile("Message type \"([\\w.]+)\" has no field named \"(\\w+)\"");
  private static final Pattern NO_ENUM_VALUE =
      Pattern.compile("Enum type \"([\\w.]+)\" has no value named \"(\\w+)\"");

  private TextProtoParser() {}

  /** A parsed message and where each field was written, for messages that point at the source. */
  public record Parsed<T extends Message>(T message, TextFormatParseInfoTree locations) {}

  /**
   * Parses {@code text} (read from {@code sourceName}) into {@code builder}.
   *
   * @throws ConfigException naming the file, line, column and what to write instead
   */
  @SuppressWarnings("unchecked")
  public static <T extends Message> Parsed<T> parse(
      String text, String sourceName, Message.Builder builder) {
    TextFormatParseInfoTree.Builder tree = TextFormatParseInfoTree.builder();
    TextFormat.Parser parser = TextFormat.Parser.newBuilder().setParseInfoTreeBuilder(tree).build();
    try {
      parser.merge(text, builder);
    } catch (TextFormat.ParseException e) {
      throw new ConfigException(describe(e, text, sourceName, builder.getDescriptorForType()), e);
    }
    return new Parsed<>((T) builder.build(), tree.build());
  }

  static String describe(
      TextFormat.ParseException e, String text, String sourceName, Descriptor root) {
    Map<String, Descriptor> messages = reachableMessages(root);
    String raw = e.getMessage();
    if (raw.contains("unknown fields")) {
      List<String> lines = new ArrayList<>();
      Matcher m = UNKNOWN_FIELD.matcher(raw);
      while (m.find()) {
        Descriptor type = messages.get(m.group(3));
        lines.add(
            unknownField(
                sourceName, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                type, m.group(3), m.group(4)));
      }
      if (!lines.isEmpty()) {
        return String.join("\n", lines);
      }
    }
    String where = sourceName + ":" + e.getLine() + ":" + e.getColumn();
    String detail = raw.replaceFirst("^\\d+:\\d+:\\s*", "");
    Matcher noField = NO_FIELD.matcher(detail);
    if (noField.find()) {
      return unknownField(
          sourceName, e.getLine(), e.getColumn(), messages.get(noField.group(1)),
          noField.group(1), noField.group(2));
    }
    Matcher noEnum = NO_ENUM_VALUE.matcher(detail);
    if (noEnum.find()) {
      EnumDescriptor enumType = findEnum(messages, noEnum.group(1));
      String valid = "";
      List<String> names = new ArrayList<>();
      if (enumType != null) {
        for (EnumValueDescriptor v : enumType.getValues()) {
          names.add(v.getName());
        }
        valid = " Valid values: " + String.join(", ", names) + ".";
      }
      return where + ": unknown value \"" + noEnum.group(2) + "\" for " + shortName(noEnum.group(1))
          + "." + Suggestions.didYouMean(noEnum.group(2), names) + valid;
    }
    String braces = braceHint(text);
    if (!braces.isEmpty()) {
      return where + ": " + braces;
    }
    String token = tokenAt(text, e.getLine(), e.getColumn());
    return where + ": " + detail + (token.isEmpty() ? "" : " (at \"" + token + "\")")
        + hint(detail);
  }

  private static String unknownField(
      String source, int line, int column, Descriptor type, String typeName, String field) {
    List<String> names = new ArrayList<>();
    if (type != null) {
      for (FieldDescriptor f : type.getFields()) {
        names.add(f.getName());
      }
    }
    String suggestion = Suggestions.didYouMean(field, names);
    if (suggestion.isEmpty() && !names.isEmpty()) {
      suggestion = " Valid fields: " + String.join(", ", names) + ".";
    }
    return source + ":" + line + ":" + column + ": unknown field \"" + field + "\" in "
        + shortName(typeName) + "." + suggestion;
  }

  private static String hint(String detail) {
    if (detail.startsWith("Expected \"{\"") || detail.contains("Expected \":\"")) {
      return ". A message field is written `name { ... }`, a value `name: value`.";
    }
    if (detail.contains("must be positive")) {
      return ". This field cannot be negative.";
    }
    if (detail.startsWith("Couldn't parse") || detail.startsWith("Expected integer")
        || detail.startsWith("Expected double") || detail.startsWith("Expected string")) {
      return ". The value has the wrong type for this field.";
    }
    return "";
  }

  /**
   * Why the braces of {@code text} do not balance ("" when they do): protobuf only says {@code
   * Expected "}"} at the end of the file or {@code Expected identifier} at a stray one, which
   * points far from the mistake. Skips comments and quoted strings.
   */
  static String braceHint(String text) {
    Deque<int[]> open = new ArrayDeque<>();
    int line = 1;
    int column = 1;
    char quote = 0;
    boolean comment = false;
    for (int i = 0; i < text.length(); i++, column++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        column = 0;
        comment = false;
        quote = 0;
      } else if (comment) {
        continue;
      } else if (quote != 0) {
        if (c == '\\') {
          i++;
          column++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '#') {
        comment = true;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '{') {
        open.push(new int[] {line, column});
      } else if (c == '}') {
        if (open.isEmpty()) {
          return "this \"}\" at line " + line + " closes no block: it is one \"}\" too many, or a"
              + " \"{\" is missing before it.";
        }
        open.pop();
      }
    }
    if (open.isEmpty()) {
      return "";
    }
    int[] outer = open.peekLast();
    return "the file ends inside a block: " + open.size() + " \"{\" "
        + (open.size() == 1 ? "is" : "are") + " never closed. The outermost one opens at line "
        + outer[0] + " (\"" + lineText(text, outer[0]).strip() + "\"); a \"}\" is missing"
        + " somewhere inside that block.";
  }

  private static String lineText(String text, int line) {
    String[] lines = text.split("\n", -1);
    String l = lines[line - 1];
    return l.length() > 60 ? l.substring(0, 57) + "..." : l;
  }

  /** The token (up to the next separator) starting at a 1-based line and column, or "". */
  static String tokenAt(String text, int line, int column) {
    String[] lines = text.split("\n", -1);
    if (line < 1 || line > lines.length) {
      return "";
    }
    String l = lines[line - 1];
    int start = Math.max(0, Math.min(column - 1, l.length()));
    int end = start;
    while (end < l.length() && !Character.isWhitespace(l.charAt(end)) && "{}:[],".indexOf(l.charAt(end)) < 0) {
      end++;
    }
    if (end == start && end < l.length()) {
      end++;
    }
    return l.substring(start, end);
  }

  private static String shortName(String fullName) {
    int dot = fullName.lastIndexOf('.');
    return dot < 0 ? fullName : fullName.substring(dot + 1);
  }

  private static EnumDescriptor findEnum(Map<String, Descriptor> messages, String fullName) {
    for (Descriptor d : messages.values()) {
      for (FieldDescriptor f : d.getFields()) {
        if (f.getType() == FieldDescriptor.Type.ENUM
            && f.getEnumType().getFullName().equals(fullName)) {
          return f.getEnumType();
        }
      }
    }
    return null;
  }

  /** Every message type reachable from {@code root} through its fields, by full name. */
  static Map<String, Descriptor> reachableMessages(Descriptor root) {
    Map<String, Descriptor> seen = new HashMap<>();
    Deque<Descriptor> pending = new ArrayDeque<>();
    pending.add(root);
    while (!pending.isEmpty()) {
      Descriptor d = pending.pop();
      if (seen.putIfAbsent(d.getFullName(), d) != null) {
        continue;
      }
      Set<Descriptor> children = new LinkedHashSet<>();
      for (FieldDescriptor f : d.getFields()) {
        if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          children.add(f.getMessageType());
        }
      }
      pending.addAll(children);
    }
    return seen;
  }
}
