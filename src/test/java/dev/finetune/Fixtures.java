package dev.finetune;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real files written by other programs in {@code ../shared/fixtures} (never copied into this
 * repository). A user's fresh clone has no {@code ../shared}: tests that need them skip, saying why.
 */
public final class Fixtures {
  private Fixtures() {}

  /** The fixtures folder, or skips the calling test when it is absent. */
  public static Path root() {
    String override = System.getenv("FINETUNE_FIXTURES");
    Path root = override != null ? Path.of(override) : Path.of("..", "shared", "fixtures");
    assumeTrue(
        Files.isDirectory(root),
        "skipped: the shared fixtures folder " + root.toAbsolutePath().normalize()
            + " is absent (it sits beside the repository on the team's machines and in CI)");
    return root;
  }

  /** A file or folder inside the fixtures, or skips the calling test when it is absent. */
  public static Path get(String relative) {
    Path p = root().resolve(relative);
    assumeTrue(Files.exists(p), "skipped: fixture " + p + " is absent");
    return p;
  }
}
