package dev.finetune.config;

import java.nio.file.Path;

/**
 * Resolves a path the way a user typing it in a shell or a config expects: {@code ~} and {@code ~/x}
 * are the home directory, a relative path is relative to the working directory.
 */
public final class UserPaths {
  private UserPaths() {}

  public static Path resolve(String path) {
    String home = System.getProperty("user.home");
    String expanded = path;
    if (path.equals("~")) {
      expanded = home;
    } else if (path.startsWith("~/")) {
      expanded = home + path.substring(1);
    }
    return Path.of(expanded).toAbsolutePath().normalize();
  }
}
