package dev.finetune.cli;

/**
 * Configures slf4j-simple before the first logger is created: INFO to stderr with time stamps, or
 * DEBUG with {@code --verbose}. Users can still override with -Dorg.slf4j.simpleLogger.* options.
 */
final class Logging {
  private Logging() {}

  static void configure(boolean verbose) {
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "info");
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.logFile", "System.err");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
