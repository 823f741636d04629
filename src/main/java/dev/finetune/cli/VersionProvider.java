package dev.finetune.cli;

import picocli.CommandLine;

/** Prints finetune's version and the TensorFlow Java it runs on. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = FinetuneCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "finetune " + (version == null ? "0.1.0-SNAPSHOT" : version),
      "TensorFlow Java 1.1.0, Java " + System.getProperty("java.version")
    };
  }
}
