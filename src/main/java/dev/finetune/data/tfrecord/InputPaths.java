package dev.finetune.data.tfrecord;

import dev.finetune.config.UserPaths;
import dev.finetune.data.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the API's {@code input_path} values into files: each entry is a path or a glob
 * ({@code *}, {@code ?}, {@code [...]}, e.g. {@code train-?????-of-00010} or {@code data/*.record}),
 * with {@code ~} and relative paths resolved like a shell. Matches of one entry are sorted; a file
 * named by two entries is read once.
 */
public final class InputPaths {
  private InputPaths() {}

  public static List<Path> expand(List<String> inputPaths) {
    if (inputPaths.isEmpty()) {
      throw new DataException("no input_path given: set input_path in the tf_record_input_reader");
    }
    Set<Path> files = new LinkedHashSet<>();
    for (String entry : inputPaths) {
      files.addAll(expand(entry));
    }
    return List.copyOf(files);
  }

  /** The files one entry names, sorted; a {@link DataException} when it matches none. */
  public static List<Path> expand(String entry) {
    Path path = UserPaths.resolve(entry.strip());
    int firstGlob = firstGlobComponent(path);
    if (firstGlob < 0) {
      if (Files.isDirectory(path)) {
        throw new DataException(
            "input_path " + entry + " is a directory; name the record files, e.g. " + path
                + "/*.record");
      }
      if (!Files.isRegularFile(path)) {
        throw new DataException("input_path " + entry + " does not exist (" + path + ")");
      }
      return List.of(path);
    }
    Path base = path.getRoot();
    for (int i = 0; i < firstGlob; i++) {
      base = base.resolve(path.getName(i));
    }
    int depth = path.getNameCount() - firstGlob;
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + escapeForGlob(path));
    List<Path> matches = new ArrayList<>();
    if (Files.isDirectory(base)) {
      try (Stream<Path> walk = Files.walk(base, depth)) {
        walk.filter(p -> p.getNameCount() == path.getNameCount())
            .filter(Files::isRegularFile)
            .filter(matcher::matches)
            .sorted()
            .forEach(matches::add);
      } catch (IOException e) {
        throw new UncheckedIOException("listing " + base + ": " + e.getMessage(), e);
      }
    }
    if (matches.isEmpty()) {
      throw new DataException(
          "no record file matches " + entry + " (looked in " + base + "; relative paths start at"
              + " the working directory)");
    }
    return matches;
  }

  private static int firstGlobComponent(Path path) {
    for (int i = 0; i < path.getNameCount(); i++) {
      if (hasGlob(path.getName(i).toString())) {
        return i;
      }
    }
    return -1;
  }

  private static boolean hasGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
  }

  /** Backslashes and braces are literal in the API's globs; escape them for Java's syntax. */
  private static String escapeForGlob(Path path) {
    StringBuilder out = new StringBuilder();
    for (char c : path.toString().toCharArray()) {
      if (c == '\\' || c == '{' || c == '}') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
