package dev.finetune.checkpoint;

import java.io.ByteArrayOutputStream;
import dev.finetune.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code checkpoint} file TensorFlow keeps in a training directory: a text-format {@code
 * CheckpointState} naming the latest checkpoint and every kept one (oldest first). Paths are as
 * written: relative ones are relative to the directory. Reading accepts everything TensorFlow
 * writes; {@link #write(Path)} replaces the file atomically (temporary file, fsync, rename), so a
 * crash never leaves a half-written state file.
 *
 * @param modelCheckpointPath the latest checkpoint prefix
 * @param allModelCheckpointPaths every kept checkpoint prefix, oldest first (includes the latest)
 * @param allModelCheckpointTimestamps Unix times of the kept checkpoints (may be empty)
 * @param lastPreservedTimestamp TensorFlow's keep_checkpoint_every_n_hours bookkeeping, or null
 */
public record CheckpointState(
    String modelCheckpointPath,
    List<String> allModelCheckpointPaths,
    List<Double> allModelCheckpointTimestamps,
    Double lastPreservedTimestamp) {

  public static final String FILE_NAME = "checkpoint";

  public CheckpointState {
    allModelCheckpointPaths = List.copyOf(allModelCheckpointPaths);
    allModelCheckpointTimestamps = List.copyOf(allModelCheckpointTimestamps);
  }

  /** A state whose latest checkpoint is {@code latest} and which keeps {@code all} (oldest first). */
  public static CheckpointState of(String latest, List<String> all) {
    return new CheckpointState(latest, all, List.of(), null);
  }

  /**
   * The state for a directory after saving: {@code keptOldestFirst} are checkpoint prefixes, the
   * last being the newest. Prefixes inside {@code dir} are written relative to it, so the directory
   * can be moved or copied.
   */
  public static CheckpointState forCheckpoints(Path dir, List<Path> keptOldestFirst) {
    if (keptOldestFirst.isEmpty()) {
      throw new IllegalArgumentException("a checkpoint state needs at least one checkpoint");
    }
    Path base = dir.toAbsolutePath().normalize();
    List<String> names = new ArrayList<>();
    for (Path p : keptOldestFirst) {
      Path abs = p.toAbsolutePath().normalize();
      names.add(abs.getParent() != null && abs.getParent().equals(base)
          ? abs.getFileName().toString() : abs.toString());
    }
    return of(names.get(names.size() - 1), names);
  }

  /** Reads {@code dir/checkpoint}; empty if the directory has no such file. */
  public static Optional<CheckpointState> read(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return Optional.of(parse(text, file.toString()));
  }

  /** The latest checkpoint's prefix, resolved against {@code dir} when relative. */
  public Path latest(Path dir) {
    return resolve(dir, modelCheckpointPath);
  }

  /** Every kept checkpoint's prefix, oldest first, resolved against {@code dir}. */
  public List<Path> all(Path dir) {
    return allModelCheckpointPaths.stream().map(p -> resolve(dir, p)).toList();
  }

  private static Path resolve(Path dir, String path) {
    try {
      Path p = Path.of(path);
      return p.isAbsolute() ? p : dir.resolve(p);
    } catch (java.nio.file.InvalidPathException e) {
      throw new CheckpointException(
          dir.resolve(FILE_NAME) + " names an invalid checkpoint path '" + path + "': " + e.getMessage());
    }
  }

  /** Replaces {@code dir/checkpoint} atomically with this state. */
  public void write(Path dir) throws IOException {
    AtomicFiles.write(dir.resolve(FILE_NAME), toText().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** The text-format proto, as TensorFlow writes it. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append("model_checkpoint_path: ").append(quote(modelCheckpointPath)).append('\n');
    for (String p : allModelCheckpointPaths) {
      sb.append("all_model_checkpoint_paths: ").append(quote(p)).append('\n');
    }
    for (Double t : allModelCheckpointTimestamps) {
      sb.append("all_model_checkpoint_timestamps: ").append(formatDouble(t)).append('\n');
    }
    if (lastPreservedTimestamp != null) {
      sb.append("last_preserved_timestamp: ").append(formatDouble(lastPreservedTimestamp)).append('\n');
    }
    return sb.toString();
  }

  private static String formatDouble(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }

  /** C-style quoting of the UTF-8 bytes of {@code s}, like protobuf's text format. */
  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '"' -> sb.append("\\\"");
        case '\'' -> sb.append("\\'");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c < 0x20 || c >= 0x7f) {
            sb.append(String.format("\\%03o", c));
          } else {
            sb.append((char) c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** Parses the text-format {@code CheckpointState} in {@code text} ({@code source} for messages). */
  public static CheckpointState parse(String text, String source) {
    Parser p = new Parser(text, source);
    String latest = null;
    List<String> all = new ArrayList<>();
    List<Double> times = new ArrayList<>();
    Double preserved = null;
    while (p.skipSpace()) {
      int line = p.line;
      String field = p.identifier();
      p.expect(':');
      switch (field) {
        case "model_checkpoint_path" -> latest = p.string();
        case "all_model_checkpoint_paths" -> all.add(p.string());
        case "all_model_checkpoint_timestamps" -> times.add(p.number());
        case "last_preserved_timestamp" -> preserved = p.number();
        default -> throw new CheckpointException(
            source + ":" + line + ": unknown field '" + field + "' in a checkpoint state file"
                + " (known: model_checkpoint_path, all_model_checkpoint_paths,"
                + " all_model_checkpoint_timestamps, last_preserved_timestamp).");
      }
    }
    if (latest == null || latest.isEmpty()) {
      throw new CheckpointException(
          source + " names no model_checkpoint_path: the training run saved no checkpoint yet, or"
              + " the file is damaged.");
    }
    return new CheckpointState(latest, all, times, preserved);
  }

  /** A small tokenizer for the text format: identifiers, ':', quoted strings, numbers, # comments. */
  private static final class Parser {
    private final String text;
    private final String source;
    private int pos;
    int line = 1;

    Parser(String text, String source) {
      this.text = text;
      this.source = source;
    }

    /** Skips blanks and comments; false at the end of the text. */
    boolean skipSpace() {
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (c == '#') {
          while (pos < text.length() && text.charAt(pos) != '\n') {
            pos++;
          }
        } else if (Character.isWhitespace(c)) {
          if (c == '\n') {
            line++;
          }
          pos++;
        } else {
          return true;
        }
      }
      return false;
    }

    String identifier() {
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      if (start == pos) {
        throw error("expected a field name");
      }
      return text.substring(start, pos);
    }

    void expect(char c) {
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    double number() {
      skipSpace();
      int start = pos;
      while (pos < text.length() && "+-.0123456789eEinfINFa".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      try {
        return Double.parseDouble(text.substring(start, pos));
      } catch (NumberFormatException e) {
        throw error("expected a number");
      }
    }

    /** One or more adjacent quoted strings (concatenated), with C escapes, as UTF-8. */
    String string() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      skipSpace();
      if (pos >= text.length() || (text.charAt(pos) != '"' && text.charAt(pos) != '\'')) {
        throw error("expected a quoted string");
      }
      while (pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')) {
        char quote = text.charAt(pos++);
        while (true) {
          if (pos >= text.length() || text.charAt(pos) == '\n') {
            throw error("unterminated string");
          }
          char c = text.charAt(pos++);
          if (c == quote) {
            break;
          }
          if (c != '\\') {
            out.write(c);
            continue;
          }
          if (pos >= text.length()) {
            throw error("unterminated string");
          }
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> out.write('\n');
            case 'r' -> out.write('\r');
            case 't' -> out.write('\t');
            case 'a' -> out.write(7);
            case 'b' -> out.write('\b');
            case 'f' -> out.write('\f');
            case 'v' -> out.write(11);
            case 'x' -> {
              int v = 0;
              int digits = 0;
              while (digits < 2 && pos < text.length()
                  && Character.digit(text.charAt(pos), 16) >= 0) {
                v = v * 16 + Character.digit(text.charAt(pos++), 16);
                digits++;
              }
              if (digits == 0) {
                throw error("bad \\x escape");
              }
              out.write(v);
            }
            default -> {
              if (e >= '0' && e <= '7') {
                int v = e - '0';
                for (int i = 0; i < 2 && pos < text.length()
                    && text.charAt(pos) >= '0' && text.charAt(pos) <= '7'; i++) {
                  v = v * 8 + (text.charAt(pos++) - '0');
                }
                out.write(v & 0xff);
              } else {
                out.write(e); // \" \' \\ \?
              }
            }
          }
        }
        skipSpace();
      }
      return out.toString(StandardCharsets.UTF_8);
    }

    private CheckpointException error(String what) {
      return new CheckpointException(
          source + ":" + line + ": " + what + ": this is not a valid checkpoint state file.");
    }
  }
}
