package dev.finetune.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a user passes as a checkpoint into a checkpoint prefix: a prefix itself, one of its
 * files, a training directory (its {@code checkpoint} state file names the latest checkpoint, like
 * {@code tf.train.latest_checkpoint}), or a SavedModel directory or its {@code variables/}.
 */
public final class CheckpointLocator {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointLocator.class);
  private static final Pattern DATA_SUFFIX = Pattern.compile("\\.data-\\d{5}-of-\\d{5}$");

  private CheckpointLocator() {}

  /** The checkpoint prefix {@code path} designates; a clear {@link CheckpointException} if none. */
  public static Path resolve(Path path) {
    Path p = path.toAbsolutePath().normalize();
    if (Files.isDirectory(p)) {
      return fromDirectory(p);
    }
    if (Files.exists(index(p))) {
      return p;
    }
    String name = p.getFileName() == null ? "" : p.getFileName().toString();
    if (name.endsWith(".index") && Files.exists(p)) {
      return p.resolveSibling(name.substring(0, name.length() - ".index".length()));
    }
    if (DATA_SUFFIX.matcher(name).find()) {
      Path prefix = p.resolveSibling(DATA_SUFFIX.matcher(name).replaceFirst(""));
      if (Files.exists(index(prefix))) {
        return prefix;
      }
    }
    if (Files.isRegularFile(p)) {
      throw new CheckpointException(
          p + " is a file but not a checkpoint prefix: " + index(p).getFileName() + " does not"
              + " exist beside it. Pass the prefix (the path without .index / .data-*), e.g."
              + " model.ckpt-1200. (TF1 \"V1\" single-file checkpoints are not supported.)");
    }
    throw new CheckpointException(
        "no checkpoint at " + p + ": neither " + index(p) + " nor a directory of that name exists."
            + siblingsHint(p));
  }

  /**
   * The latest checkpoint of a training directory, as {@code tf.train.latest_checkpoint}: the
   * {@code model_checkpoint_path} of its {@code checkpoint} file; empty when there is no such file.
   */
  public static Optional<Path> latestCheckpoint(Path dir) {
    Optional<CheckpointState> state = CheckpointState.read(dir);
    if (state.isEmpty()) {
      return Optional.empty();
    }
    Path latest = state.get().latest(dir).normalize();
    if (Files.exists(index(latest))) {
      return Optional.of(latest);
    }
    // An absolute path written on another machine, or before the directory was moved: TensorFlow
    // fails here; the checkpoint of the same name beside the state file is what the user means.
    Path beside = dir.resolve(latest.getFileName());
    if (Files.exists(index(beside))) {
      LOG.warn(
          "{} names {}, which does not exist; using {} from the same directory instead.",
          dir.resolve(CheckpointState.FILE_NAME), latest, beside);
      return Optional.of(beside);
    }
    throw new CheckpointException(
        dir.resolve(CheckpointState.FILE_NAME) + " names the latest checkpoint " + latest + ", but "
            + index(latest) + " does not exist: the checkpoint was deleted or moved. Pass a"
            + " checkpoint prefix instead, or fix the state file.");
  }

  private static Path fromDirectory(Path dir) {
    Optional<Path> latest = latestCheckpoint(dir);
    if (latest.isPresent()) {
      return latest.get();
    }
    if (Files.exists(dir.resolve("variables.index"))) {
      return dir.resolve("variables"); // a SavedModel's variables/ directory
    }
    if (Files.exists(dir.resolve("variables").resolve("variables.index"))) {
      return dir.resolve("variables").resolve("variables"); // a SavedModel directory
    }
    throw new CheckpointException(
        "directory " + dir + " has no 'checkpoint' state file (and is not a SavedModel), so its"
            + " latest checkpoint is unknown. Pass a checkpoint prefix such as "
            + dir.resolve("model.ckpt-1200") + "." + indexFilesHint(dir));
  }

  static Path index(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  /** The data file of shard {@code shard} (of {@code numShards}); matches {@link #DATA_SUFFIX}. */
  static Path dataFile(Path prefix, int shard, int numShards) {
    return prefix.resolveSibling(
        String.format("%s.data-%05d-of-%05d", prefix.getFileName(), shard, numShards));
  }

  private static String indexFilesHint(Path dir) {
    List<String> found = prefixesIn(dir);
    return found.isEmpty() ? " It holds no .index files." : " Checkpoints there: " + String.join(", ", found);
  }

  private static String siblingsHint(Path p) {
    Path parent = p.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return "";
    }
    List<String> found = prefixesIn(parent);
    return found.isEmpty() ? "" : " Checkpoints in " + parent + ": " + String.join(", ", found);
  }

  private static List<String> prefixesIn(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".index"))
          .map(n -> n.substring(0, n.length() - ".index".length()))
          .sorted()
          .limit(8)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
