package dev.finetune.export;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An output directory written whole or not at all: everything goes to a hidden sibling, which is
 * renamed into place once complete. An existing directory is refused unless overwriting was asked
 * for, and even then it is only moved aside (and deleted) after the new one is complete, so a
 * failure at any point leaves what was there untouched.
 */
final class StagedDirectory implements AutoCloseable {
  private final Path target;
  private final Path staging;
  private boolean committed;

  private StagedDirectory(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /**
   * Checks {@code target} and creates the staging directory beside it.
   *
   * @throws FinetuneException (usage, exit 2) when {@code target} exists and {@code overwrite} is
   *     false, or exists and is not a directory
   */
  static StagedDirectory open(Path target, boolean overwrite, String flag) throws IOException {
    Path t = target.toAbsolutePath().normalize();
    if (Files.exists(t)) {
      if (!Files.isDirectory(t)) {
        throw new FinetuneException(ExitCode.USAGE_OR_CONFIG,
            flag + " " + t + " exists and is a file, not a directory. Choose another path.");
      }
      if (!overwrite) {
        throw new FinetuneException(ExitCode.USAGE_OR_CONFIG,
            flag + " " + t + " already exists; nothing was written. Choose a new directory, or"
                + " pass --overwrite to replace it (it is replaced only once the new export is"
                + " complete).");
      }
    }
    Path parent = t.getParent();
    Files.createDirectories(parent);
    return new StagedDirectory(t, Files.createDirectory(sibling(t, "partial")));
  }

  /** Where to write; becomes {@link #target()} on {@link #commit()}. */
  Path staging() {
    return staging;
  }

  Path target() {
    return target;
  }

  /** Moves the staging directory into place (an existing target is replaced). */
  void commit() throws IOException {
    Path old = null;
    if (Files.exists(target)) {
      old = sibling(target, "old");
      move(target, old);
    }
    try {
      move(staging, target);
    } catch (IOException e) {
      if (old != null) {
        move(old, target); // put the previous export back
      }
      throw e;
    }
    committed = true;
    if (old != null) {
      deleteTree(old);
    }
  }

  /** Deletes the staging directory unless committed. */
  @Override
  public void close() {
    if (!committed) {
      try {
        deleteTree(staging);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the partial export " + staging, e);
      }
    }
  }

  /**
   * A hidden unused name beside {@code target}. Not Files.createTempDirectory: its 0700 would
   * become the export's permissions; a plain directory gets the usual ones (umask).
   */
  private static Path sibling(Path target, String kind) {
    return target.resolveSibling("." + target.getFileName() + "." + kind + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
