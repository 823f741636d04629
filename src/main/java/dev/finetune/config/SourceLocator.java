package dev.finetune.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where a field was written in the config file, so semantic errors can say {@code
 * pipeline.config:12:5} as parse errors do. Fields set by {@code --set} or by defaults have no
 * location; then the path alone is named.
 */
public final class SourceLocator {
  private static final Pattern SEGMENT = Pattern.compile("(\\w+)(?:\\[(\\d+)\\])?");

  private final String sourceName;
  private final Descriptor root;
  private final TextFormatParseInfoTree tree;

  SourceLocator(String sourceName, Descriptor root, TextFormatParseInfoTree tree) {
    this.sourceName = sourceName;
    this.root = root;
    this.tree = tree;
  }

  /**
   * {@code "file:line:col: path"} for a dotted path such as {@code train_config.batch_size} or
   * {@code eval_input_reader[0].label_map_path}, or {@code "file: path"} when it was not written.
   */
  public String where(String path) {
    TextFormatParseLocation loc = locate(path);
    if (loc == null) {
      return sourceName + ": " + path;
    }
    // TextFormatParseLocation counts from 0; editors and parse errors count from 1.
    return sourceName + ":" + (loc.getLine() + 1) + ":" + (loc.getColumn() + 1) + ": " + path;
  }

  private TextFormatParseLocation locate(String path) {
    if (tree == null) {
      return null;
    }
    Descriptor type = root;
    TextFormatParseInfoTree node = tree;
    String[] segments = path.split("\\.");
    for (int i = 0; i < segments.length; i++) {
      Matcher m = SEGMENT.matcher(segments[i]);
      if (!m.matches() || type == null) {
        return null;
      }
      FieldDescriptor field = type.findFieldByName(m.group(1));
      if (field == null) {
        return null;
      }
      int index = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      try {
        if (i == segments.length - 1) {
          return node.getLocations(field).size() > index ? node.getLocation(field, index) : null;
        }
        if (node.getNestedTrees(field).size() <= index) {
          return null;
        }
        node = node.getNestedTree(field, index);
      } catch (IllegalArgumentException e) {
        return null;
      }
      type = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
    }
    return null;
  }
}
