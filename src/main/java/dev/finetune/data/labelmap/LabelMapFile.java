package dev.finetune.data.labelmap;

import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;
import dev.finetune.config.ConfigException;
import dev.finetune.config.TextProtoParser;
import dev.finetune.config.UserPaths;
import dev.finetune.data.DataException;
import dev.finetune.proto.StringIntLabelMap;
import dev.finetune.proto.StringIntLabelMapItem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes label map files: text-format {@code StringIntLabelMap}, as the API's tools write them. */
public final class LabelMapFile {
  private LabelMapFile() {}

  /** Loads {@code path} (a user path: ~ and relative allowed). */
  public static LabelMap load(String path) {
    if (path == null || path.isBlank()) {
      throw new DataException(
          "no label map given: set label_map_path in the input reader (a text file of item { id: 1 name: \"...\" })");
    }
    return load(UserPaths.resolve(path));
  }

  public static LabelMap load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DataException("label map " + file + " does not exist (check label_map_path in the"
          + " config, or --label_map)");
    } catch (CharacterCodingException e) {
      throw new DataException(file + " is not a text file (it is not UTF-8), so not a label map:"
          + " a label map is text of the form item { id: 1 name: \"cat\" } ...", e);
    } catch (IOException e) {
      throw new DataException("cannot read label map " + file + ": " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses label map text; {@code source} names it in errors. */
  public static LabelMap parse(String text, String source) {
    TextProtoParser.Parsed<StringIntLabelMap> parsed;
    try {
      parsed = TextProtoParser.parse(text, source, StringIntLabelMap.newBuilder());
    } catch (ConfigException e) {
      // The parser's message names line, column and the nearest valid names; the file is data here.
      throw new DataException(e.getMessage() + "\nA label map is text of the form"
          + " item { id: 1 name: \"cat\" } item { id: 2 name: \"dog\" } ...", e);
    }
    StringIntLabelMap proto = parsed.message();
    TextFormatParseInfoTree tree = parsed.locations();
    var itemField = StringIntLabelMap.getDescriptor().findFieldByName("item");
    List<LabelMap.Item> items = new ArrayList<>();
    for (int i = 0; i < proto.getItemCount(); i++) {
      StringIntLabelMapItem item = proto.getItem(i);
      TextFormatParseLocation at = tree.getLocation(itemField, i);
      if (!item.hasId()) {
        throw new DataException(source + ":" + (at.getLine() + 1) + ": label map item \"" + item.getName() + "\" has no id");
      }
      items.add(new LabelMap.Item(item.getId(), item.getName(), item.getDisplayName(), at.getLine() + 1));
    }
    return LabelMap.of(items, source);
  }

  public static void write(LabelMap map, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, map.toPbtxt(), StandardCharsets.UTF_8);
  }
}
