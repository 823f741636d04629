package dev.finetune.util;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the time goes from the command line to the first training step: named phases in the order
 * they end, measured on the wall clock. One per process (a command starts it again); phases that
 * run beside the main thread (the native library loading while the config is read) are recorded
 * with {@link #overlapped} and not counted in the total.
 *
 * <p>The launcher script exports {@value #LAUNCH_ENV} (epoch milliseconds when the command
 * started), so the time before the JVM runs is counted too.
 */
public final class StartupTimeline {
  /** Set by scripts/finetune: when the command started, in epoch milliseconds. */
  public static final String LAUNCH_ENV = "FINETUNE_LAUNCH_MS";

  /**
   * One phase: its name, wall seconds, the process's CPU seconds in it (all threads: on a loaded
   * machine the steadier number; NaN when unknown), and whether it ran beside the main thread.
   */
  public record Phase(String name, double seconds, double cpuSeconds, boolean overlapped) {}

  private static final Object LOCK = new Object();
  private static List<Phase> phases = new ArrayList<>();
  private static long lastMark = System.nanoTime();
  private static long lastCpu = processCpuNanos();
  private static double total;

  private StartupTimeline() {}

  /**
   * Starts the timeline of a command: a first phase for the launcher and the JVM start (from
   * {@value #LAUNCH_ENV}, else from the JVM's start time) when this is the JVM's first command.
   */
  public static void begin() {
    synchronized (LOCK) {
      phases = new ArrayList<>();
      total = 0;
      long now = System.nanoTime();
      lastMark = now;
      lastCpu = processCpuNanos();
      long jvmStartMs = ManagementFactory.getRuntimeMXBean().getStartTime();
      long nowMs = System.currentTimeMillis();
      long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
      if (uptimeMs > 30_000) {
        return; // a later command in a long-lived JVM (tests): nothing before it to count
      }
      long launchMs = launchMillis(jvmStartMs);
      if (launchMs < jvmStartMs) {
        add("launcher script", (jvmStartMs - launchMs) / 1e3, Double.NaN, false);
      }
      add("JVM start", (nowMs - jvmStartMs) / 1e3, lastCpu / 1e9, false);
    }
  }

  private static long launchMillis(long fallback) {
    String env = System.getenv(LAUNCH_ENV);
    if (env == null) {
      return fallback;
    }
    try {
      long ms = Long.parseLong(env.trim());
      return ms > fallback - 60_000 ? ms : fallback; // a stale value from an outer shell
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** The main thread's phase that ends now (it began when the previous one ended). */
  public static Phase done(String name) {
    synchronized (LOCK) {
      long now = System.nanoTime();
      long cpu = processCpuNanos();
      double seconds = (now - lastMark) / 1e9;
      double cpuSeconds = cpu < 0 || lastCpu < 0 ? Double.NaN : (cpu - lastCpu) / 1e9;
      lastMark = now;
      lastCpu = cpu;
      return add(name, seconds, cpuSeconds, false);
    }
  }

  /** A phase that ran beside the main thread, {@code nanos} long (not part of the total). */
  public static Phase overlapped(String name, long nanos) {
    synchronized (LOCK) {
      return add(name, nanos / 1e9, Double.NaN, true);
    }
  }

  /** CPU time of the whole process so far, -1 when the JVM cannot tell. */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private static Phase add(String name, double seconds, double cpuSeconds, boolean overlapped) {
    Phase p = new Phase(name, seconds, cpuSeconds, overlapped);
    phases.add(p);
    if (!overlapped) {
      total += seconds;
    }
    return p;
  }

  public static List<Phase> phases() {
    synchronized (LOCK) {
      return List.copyOf(phases);
    }
  }

  /** Seconds on the main thread's critical path so far. */
  public static double total() {
    synchronized (LOCK) {
      return total;
    }
  }

  /** "4.1 s: JVM start 0.3, config 0.4, ..., (beside: TensorFlow native load 0.9)". */
  public static String summary() {
    List<Phase> all = phases();
    StringBuilder main = new StringBuilder();
    StringBuilder beside = new StringBuilder();
    for (Phase p : all) {
      StringBuilder to = p.overlapped() ? beside : main;
      if (to.length() > 0) {
        to.append(", ");
      }
      to.append(String.format(Locale.ROOT, "%s %.2f", p.name(), p.seconds()));
    }
    return String.format(Locale.ROOT, "%.2f s: %s%s", total(), main,
        beside.length() > 0 ? " (beside the main thread: " + beside + ")" : "");
  }
}
