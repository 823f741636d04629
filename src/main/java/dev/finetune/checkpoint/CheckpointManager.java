package dev.finetune.checkpoint;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Session;

/**
 * The training checkpoints of a {@code model_dir}, named as TF1's {@code model_main.py} names them
 * ({@code model.ckpt-<step>} plus the {@code checkpoint} state file), saved so that a crash at any
 * instant leaves the previous checkpoint loadable:
 *
 * <ol>
 *   <li>TensorFlow writes the bundle into a hidden folder of {@code model_dir};
 *   <li>the data file and the trainer's side file move into place, then the {@code .index} (a
 *       checkpoint is complete exactly when its index exists);
 *   <li>the state file is replaced atomically; only then are checkpoints beyond
 *       {@code max_to_keep} deleted.
 * </ol>
 *
 * Each checkpoint has a side file {@code model.ckpt-<step>.trainer.json} with what exact resume
 * needs beyond the variables (the input position); its content is the caller's.
 */
public final class CheckpointManager {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointManager.class);
  public static final String PREFIX = "model.ckpt";
  public static final String SIDE_FILE_SUFFIX = ".trainer.json";
  private static final String STAGING = ".saving-";

  private final Path dir;
  private final int maxToKeep;
  private final double keepEveryNHours;
  private final List<Path> kept = new ArrayList<>();
  private double lastPreservedTime;

  /**
   * @param maxToKeep the newest checkpoints kept (TF's {@code max_to_keep})
   * @param keepEveryNHours also keep one checkpoint per this many hours forever (0: off), as TF's
   *     {@code keep_checkpoint_every_n_hours}
   */
  public CheckpointManager(Path dir, int maxToKeep, double keepEveryNHours) {
    if (maxToKeep < 1) {
      throw new IllegalArgumentException("maxToKeep must be at least 1, got " + maxToKeep);
    }
    this.dir = dir.toAbsolutePath().normalize();
    this.maxToKeep = maxToKeep;
    this.keepEveryNHours = keepEveryNHours;
    this.lastPreservedTime = System.currentTimeMillis() / 1000.0;
    removeStaleStaging();
    CheckpointState.read(this.dir).ifPresent(s -> {
      for (Path p : s.all(this.dir)) {
        if (Files.exists(index(p))) {
          kept.add(p);
        }
      }
      if (s.lastPreservedTimestamp() != null) {
        lastPreservedTime = s.lastPreservedTimestamp();
      }
    });
  }

  public Path dir() {
    return dir;
  }

  /**
   * What a killed save or deletion leaves: staging folders, and data or side files of a
   * {@code model.ckpt-N} without its index (the index is moved in last and deleted first, so such
   * files never belong to a complete checkpoint). Safe to remove: one trainer writes a model_dir.
   */
  private void removeStaleStaging() {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(STAGING)) {
          LOG.info("removing {}, left by an interrupted save", name);
          deleteTree(p);
        } else if (name.startsWith(PREFIX + "-") && !name.endsWith(".index")) {
          int end = name.contains(".data-") ? name.indexOf(".data-")
              : name.endsWith(SIDE_FILE_SUFFIX) ? name.length() - SIDE_FILE_SUFFIX.length() : -1;
          if (end > 0 && !Files.exists(dir.resolve(name.substring(0, end) + ".index"))) {
            LOG.info("removing {}, left by an interrupted save or deletion", name);
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot clean up {}: {}", dir, e.getMessage());
    }
  }

  /** The newest complete checkpoint named by the state file, if any. */
  public Optional<Path> latest() {
    return kept.isEmpty() ? Optional.empty() : Optional.of(kept.get(kept.size() - 1));
  }

  /** The prefix a checkpoint of {@code step} gets. */
  public Path prefixFor(long step) {
    return dir.resolve(PREFIX + "-" + step);
  }

  /** The step of a checkpoint named {@code <anything>-<step>}, as TF1 names them; empty otherwise. */
  public static OptionalLong stepOf(Path prefix) {
    String name = prefix.getFileName().toString();
    try {
      return OptionalLong.of(Long.parseLong(name.substring(name.lastIndexOf('-') + 1)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  public static Path sideFile(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + SIDE_FILE_SUFFIX);
  }

  /** The side file's text, if the checkpoint has one. */
  public static Optional<String> readSideFile(Path prefix) {
    Path f = sideFile(prefix);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(f, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /**
   * Saves every variable of the session's graph as {@code model.ckpt-<step>}.
   *
   * @param sideFileText what the trainer needs to resume exactly (written beside the checkpoint)
   * @return the checkpoint's prefix
   * @throws FinetuneException (exit code {@link ExitCode#IO}) when the disk is full or the folder
   *     unwritable; the previous checkpoints are untouched then
   */
  public Path save(Session session, long step, String sideFileText) {
    Path prefix = prefixFor(step);
    Path staging = null;
    try {
      Files.createDirectories(dir);
      staging = Files.createTempDirectory(dir, STAGING + step + "-");
      Path staged = staging.resolve(prefix.getFileName().toString());
      try {
        session.save(staged.toString());
      } catch (RuntimeException e) {
        throw new IOException("TensorFlow could not write the checkpoint: " + e.getMessage(), e);
      }
      Files.writeString(staging.resolve("side"), sideFileText, StandardCharsets.UTF_8);
      List<Path> dataFiles;
      try (Stream<Path> files = Files.list(staging)) {
        dataFiles = files.filter(f -> f.getFileName().toString().contains(".data-")).toList();
      }
      for (Path f : dataFiles) {
        move(f, dir.resolve(f.getFileName().toString()));
      }
      move(staging.resolve("side"), sideFile(prefix));
      move(index(staged), index(prefix)); // the checkpoint exists from here on
      kept.remove(prefix);
      kept.add(prefix);
      List<Path> doomed = new ArrayList<>();
      double now = System.currentTimeMillis() / 1000.0;
      while (kept.size() > maxToKeep) {
        Path oldest = kept.remove(0);
        if (keepEveryNHours > 0 && now - lastPreservedTime >= keepEveryNHours * 3600) {
          lastPreservedTime = now; // kept forever: dropped from the state, never deleted
          continue;
        }
        doomed.add(oldest);
      }
      CheckpointState state = CheckpointState.forCheckpoints(dir, kept);
      new CheckpointState(
              state.modelCheckpointPath(), state.allModelCheckpointPaths(),
              state.allModelCheckpointTimestamps(), keepEveryNHours > 0 ? lastPreservedTime : null)
          .write(dir);
      for (Path p : doomed) {
        delete(p);
      }
      return prefix;
    } catch (IOException e) {
      throw new FinetuneException(
          ExitCode.IO,
          "could not save the checkpoint of step " + step + " in " + dir + ": " + describe(e)
              + ". " + latest().filter(p -> !p.equals(prefix))
                  .map(p -> "The previous checkpoint " + p.getFileName() + " is intact; ")
                  .orElse("")
              + "free disk space or fix the folder's permissions, then run the same command to"
              + " resume.",
          e);
    } finally {
      if (staging != null) {
        deleteTree(staging);
      }
    }
  }

  private static String describe(IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (m.contains("No space left") || m.contains("ENOSPC")) {
      return "the disk is full (" + m + ")";
    }
    return m;
  }

  static Path index(Path prefix) {
    return prefix.resolveSibling(prefix.getFileName() + ".index");
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Deletes a checkpoint: its index first, so a half-deleted one is never taken as complete. */
  private void delete(Path prefix) {
    String name = prefix.getFileName().toString();
    try {
      Files.deleteIfExists(index(prefix));
      try (Stream<Path> files = Files.list(prefix.getParent())) {
        for (Path f : files.filter(f -> {
              String n = f.getFileName().toString();
              return n.startsWith(name + ".data-") || n.equals(name + SIDE_FILE_SUFFIX);
            }).toList()) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not delete the old checkpoint {}: {}", prefix, e.getMessage());
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.debug("could not remove {}: {}", root, e.getMessage());
    }
  }
}
