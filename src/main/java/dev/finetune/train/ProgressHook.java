package dev.finetune.train;

import com.google.gson.JsonObject;
import dev.finetune.util.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress for people and for scripts. Every {@code everyN} steps: the API's lines
 * ({@code Step 1200 per-step time 0.512s}, then the losses and learning rate) in the log, and one
 * JSON object in {@code model_dir/metrics.jsonl}. On a terminal, in between, one line redrawn in
 * place with the step, loss, steps/s and ETA.
 */
final class ProgressHook implements TrainHook {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressHook.class);

  private final int everyN;
  private final Path metricsFile;
  private final PrintStream terminal;
  private BufferedWriter metrics;
  private long lastStep;
  private long intervalStartNanos;
  private long intervalStartStep;
  private long runStartNanos;
  private long runStartStep;
  private double stepsPerSecond;

  /**
   * @param terminal where the in-place progress line goes, or null when not on a terminal
   */
  ProgressHook(int everyN, Path metricsFile, PrintStream terminal) {
    this.everyN = everyN;
    this.metricsFile = metricsFile;
    this.terminal = terminal;
  }

  @Override
  public void beforeTrain(long startStep, long lastStep) {
    this.lastStep = lastStep;
    runStartNanos = intervalStartNanos = System.nanoTime();
    runStartStep = intervalStartStep = startStep;
    try {
      metrics = Files.newBufferedWriter(metricsFile, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}; progress goes to the log only", metricsFile, e.getMessage());
    }
  }

  @Override
  public void afterStep(StepResult r) {
    boolean logged = r.step() % everyN == 0 || r.step() == lastStep || r.step() == runStartStep + 1;
    if (logged) {
      long now = System.nanoTime();
      double seconds = (now - intervalStartNanos) / 1e9;
      long steps = r.step() - intervalStartStep;
      double perStep = steps > 0 ? seconds / steps : r.seconds();
      stepsPerSecond = perStep > 0 ? 1 / perStep : 0;
      intervalStartNanos = now;
      intervalStartStep = r.step();
      clearTerminalLine();
      LOG.info(String.format(Locale.ROOT, "Step %d per-step time %.3fs%s", r.step(), perStep, eta(r.step())));
      LOG.info(lossLine(r));
      writeMetrics(r, perStep);
    } else if (terminal != null) {
      terminal.printf(Locale.ROOT, "\rstep %d%s  loss %.4f  lr %.3g  %.2f steps/s%s   ",
          r.step(), lastStep > 0 ? "/" + lastStep : "", r.totalLoss(), r.learningRate(),
          stepsPerSecond > 0 ? stepsPerSecond : 1 / r.seconds(), eta(r.step()));
      terminal.flush();
    }
  }

  /** The losses as the API's TF2 loop prints its logging dict. */
  static String lossLine(StepResult r) {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Float> e : r.losses().entrySet()) {
      sb.append('\'').append(e.getKey()).append("': ").append(e.getValue()).append(", ");
    }
    return sb.append("'learning_rate': ").append(r.learningRate()).append('}').toString();
  }

  private String eta(long step) {
    if (lastStep <= 0 || step <= runStartStep) {
      return "";
    }
    double perStep = (System.nanoTime() - runStartNanos) / 1e9 / (step - runStartStep);
    long seconds = Math.round(perStep * (lastStep - step));
    return String.format(Locale.ROOT, ", ETA %d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }

  private void writeMetrics(StepResult r, double perStep) {
    if (metrics == null) {
      return;
    }
    JsonObject o = new JsonObject();
    o.addProperty("step", r.step());
    o.addProperty("wall_time", System.currentTimeMillis() / 1000.0);
    r.losses().forEach(o::addProperty);
    o.addProperty("learning_rate", r.learningRate());
    o.addProperty("per_step_seconds", perStep);
    o.addProperty("steps_per_sec", perStep > 0 ? 1 / perStep : 0);
    try {
      metrics.write(Json.line(o));
      metrics.newLine();
      metrics.flush();
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}; progress goes to the log only", metricsFile, e.getMessage());
      metrics = null;
    }
  }

  private void clearTerminalLine() {
    if (terminal != null) {
      terminal.print("\r\033[K");
      terminal.flush();
    }
  }

  double stepsPerSecond() {
    return stepsPerSecond;
  }

  @Override
  public void afterTrain(StepResult last, StopReason reason) {
    clearTerminalLine();
    if (metrics != null) {
      try {
        metrics.close();
      } catch (IOException e) {
        LOG.warn("cannot close {}: {}", metricsFile, e.getMessage());
      }
    }
  }
}
