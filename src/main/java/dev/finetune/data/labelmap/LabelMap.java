package dev.finetune.data.labelmap;

import dev.finetune.data.DataException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The classes of a dataset: the API's {@code StringIntLabelMap}. Ids start at 1 (0 is the
 * background the model adds; an item with id 0 is allowed only when it is named "background", and is
 * then not a class). Ids and names are unique.
 */
public final class LabelMap {
  /** One {@code item { id name display_name }}; {@code line} is where it starts in its file (0: none). */
  public record Item(int id, String name, String displayName, int line) {
    public Item(int id, String name) {
      this(id, name, "", 0);
    }
  }

  private final String source;
  private final TreeMap<Integer, Item> byId = new TreeMap<>();
  private final Map<String, Integer> idByName = new HashMap<>();
  private final Map<String, Integer> idByDisplayName = new HashMap<>();

  private LabelMap(String source) {
    this.source = source;
  }

  /** Validates {@code items}; errors name {@code source} and the item's line. */
  public static LabelMap of(List<Item> items, String source) {
    LabelMap map = new LabelMap(source);
    if (items.isEmpty()) {
      throw new DataException("label map " + source + " has no items: add item { id: 1 name: \"...\" }");
    }
    for (Item item : items) {
      String at = source + (item.line() > 0 ? ":" + item.line() : "");
      if (item.id() < 0) {
        throw new DataException(at + ": label map id " + item.id() + " is negative; ids start at 1");
      }
      if (item.id() == 0) {
        if (item.name().equals("background") || item.displayName().equals("background")) {
          continue;
        }
        throw new DataException(
            at + ": label map id 0 (\"" + item.name() + "\") is reserved for the background;"
                + " number classes from 1");
      }
      if (item.name().isEmpty()) {
        throw new DataException(at + ": label map item with id " + item.id() + " has no name");
      }
      Item previous = map.byId.get(item.id());
      if (previous != null) {
        throw new DataException(
            at + ": label map id " + item.id() + " (\"" + item.name() + "\") is already used by \""
                + previous.name() + "\"" + line(previous) + "; ids must be unique");
      }
      Integer sameName = map.idByName.get(item.name());
      if (sameName != null) {
        throw new DataException(
            at + ": label map name \"" + item.name() + "\" (id " + item.id() + ") is already used by id "
                + sameName + line(map.byId.get(sameName)) + "; names must be unique");
      }
      map.byId.put(item.id(), item);
      map.idByName.put(item.name(), item.id());
      if (!item.displayName().isEmpty()) {
        map.idByDisplayName.putIfAbsent(item.displayName(), item.id());
      }
    }
    if (map.byId.isEmpty()) {
      throw new DataException("label map " + source + " has only the background item; add classes from id 1");
    }
    return map;
  }

  private static String line(Item item) {
    return item.line() > 0 ? " at line " + item.line() : "";
  }

  /** Items with names {@code names[0]} = id 1, {@code names[1]} = id 2, ... */
  public static LabelMap ofNames(List<String> names, String source) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      items.add(new Item(i + 1, names.get(i)));
    }
    return of(items, source);
  }

  public String source() {
    return source;
  }

  /** Class items in id order (background excluded). */
  public List<Item> items() {
    return List.copyOf(byId.values());
  }

  public int size() {
    return byId.size();
  }

  /** The largest id: the API's num_classes must be at least this. */
  public int maxId() {
    return byId.lastKey();
  }

  public boolean contains(int id) {
    return byId.containsKey(id);
  }

  /** The id whose name (or else display_name) is {@code text}, or -1, as the API's decoder does. */
  public int idOf(String text) {
    Integer id = idByName.get(text);
    if (id == null) {
      id = idByDisplayName.get(text);
    }
    return id == null ? -1 : id;
  }

  /** The class's name, or its display_name when {@code useDisplayName} and it has one. */
  public String nameOf(int id, boolean useDisplayName) {
    Item item = byId.get(id);
    if (item == null) {
      return "id " + id;
    }
    return useDisplayName && !item.displayName().isEmpty() ? item.displayName() : item.name();
  }

  /** name (or display_name) to id, like the API's {@code get_label_map_dict}. */
  public Map<String, Integer> toDict(boolean useDisplayName) {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    for (Item item : byId.values()) {
      out.put(useDisplayName && !item.displayName().isEmpty() ? item.displayName() : item.name(), item.id());
    }
    return Collections.unmodifiableMap(out);
  }

  /** The text-format file the API's tools write ({@code item { id: 1 name: 'cat' } ...}). */
  public String toPbtxt() {
    StringBuilder out = new StringBuilder();
    for (Item item : byId.values()) {
      out.append("item {\n  id: ").append(item.id()).append("\n  name: ").append(quote(item.name())).append('\n');
      if (!item.displayName().isEmpty()) {
        out.append("  display_name: ").append(quote(item.displayName())).append('\n');
      }
      out.append("}\n");
    }
    return out.toString();
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
