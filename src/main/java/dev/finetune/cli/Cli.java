package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Runs a finetune command line in this JVM and returns its exit code. Maps every error to one
 * message and a documented {@link ExitCode}; a stack trace only with {@code --verbose}. Tests call
 * {@link #run(PrintWriter, PrintWriter, String...)} to capture output without starting a JVM.
 */
public final class Cli {
  private Cli() {}

  public static int run(String... args) {
    return run(
        new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int run(PrintWriter out, PrintWriter err, String... args) {
    boolean verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
    Logging.configure(verbose);
    CommandLine cmd = new CommandLine(new FinetuneCommand());
    cmd.setOut(out);
    cmd.setErr(err);
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setUsageHelpAutoWidth(true);
    cmd.setParameterExceptionHandler(
        (ex, a) -> {
          err.println("finetune: " + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
          err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
          err.flush();
          return ExitCode.USAGE_OR_CONFIG.code();
        });
    cmd.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          int code = report(ex, verbose, err);
          err.flush();
          return code;
        });
    int code = cmd.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Prints one clear message for {@code ex} and returns its exit code. */
  static int report(Throwable ex, boolean verbose, PrintWriter err) {
    FinetuneException user = findUserError(ex);
    if (user != null) {
      err.println("finetune: error: " + user.getMessage());
      if (verbose) {
        user.printStackTrace(err);
      }
      return user.exitCode().code();
    }
    if (ex instanceof OutOfMemoryError) {
      err.println(
          "finetune: error: out of memory. Lower train_config.batch_size or the image size, or give"
              + " the JVM more heap with FINETUNE_JAVA_OPTS=-Xmx16g.");
      return ExitCode.INTERNAL.code();
    }
    if (ex instanceof java.io.UncheckedIOException unchecked) {
      ex = unchecked.getCause(); // file-system errors reported from code that cannot throw IOException
    }
    if (ex instanceof java.io.IOException io) {
      err.println("finetune: error: " + describeIo(io));
      if (verbose) {
        io.printStackTrace(err);
      }
      return ExitCode.IO.code();
    }
    err.println("finetune: internal error: " + ex);
    if (verbose) {
      ex.printStackTrace(err);
    } else {
      err.println("This is a bug in finetune. Re-run with --verbose and report the stack trace.");
    }
    return ExitCode.INTERNAL.code();
  }

  private static FinetuneException findUserError(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause()) {
      if (t instanceof FinetuneException fe) {
        return fe;
      }
    }
    return null;
  }

  private static String describeIo(java.io.IOException io) {
    String msg = io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage();
    if (io instanceof java.nio.file.NoSuchFileException e) {
      return "no such file: " + e.getFile();
    }
    if (io instanceof java.nio.file.AccessDeniedException e) {
      return "permission denied: " + e.getFile() + ". Choose a folder you can write to (or read, for"
          + " inputs), or fix its permissions.";
    }
    if (io instanceof java.nio.file.FileAlreadyExistsException e) {
      return e.getFile() + " already exists and is in the way (a folder or a new file was to be"
          + " created there). Choose another output path or move it away.";
    }
    if (msg.contains("No space left on device")) {
      return msg + ". Free some disk space and re-run; files already written were not changed.";
    }
    if (io instanceof java.nio.file.FileSystemException e && e.getReason() != null) {
      // "x/y: Not a directory", "x: Read-only file system": say which file and what to check.
      return "cannot use " + e.getFile() + ": " + e.getReason()
          + ". Check that the path is right and that its folders exist and are writable.";
    }
    return msg;
  }
}
