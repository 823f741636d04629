package dev.finetune.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in this JVM and captures what it prints. */
public final class CliTestSupport {
  private CliTestSupport() {}

  public record Result(int exitCode, String out, String err) {}

  /**
   * As {@link #run}, with what the loggers print (slf4j-simple writes to the current System.err)
   * appended to {@code err}; also echoed, so a failing test shows it.
   */
  public static Result runWithLogs(String... args) {
    java.io.PrintStream systemErr = System.err;
    java.io.ByteArrayOutputStream logs = new java.io.ByteArrayOutputStream();
    Result r;
    try {
      System.setErr(new java.io.PrintStream(new TeeStream(logs, systemErr), true));
      r = run(args);
    } finally {
      System.setErr(systemErr);
    }
    return new Result(r.exitCode(), r.out(), r.err() + logs);
  }

  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int x) throws java.io.IOException {
      a.write(x);
      b.write(x);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }

  public static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }
}
