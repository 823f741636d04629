package dev.finetune.eval;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.checkpoint.CheckpointState;
import dev.finetune.config.ConfigException;
import dev.finetune.config.Suggestions;
import dev.finetune.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a copy of the best checkpoint so far by one metric (higher is better) in {@code
 * model_dir/best/}: the checkpoint's files, a {@code checkpoint} state file naming it (so the
 * folder is itself a checkpoint directory, e.g. for export) and {@code best.json} ({@code step},
 * {@code metric}, {@code value}, {@code checkpoint}, every metric). Checkpoint rotation never looks
 * there.
 *
 * <p>A new best is copied into a fresh hidden folder in model_dir, then swapped in with two renames
 * ({@code best} aside, the new folder in, the old one deleted): a crash leaves either the old or
 * the new copy complete, and the next start puts an old copy left aside back in place.
 */
public final class BestCheckpoint {
  private static final Logger LOG = LoggerFactory.getLogger(BestCheckpoint.class);
  public static final String DEFAULT_METRIC = "DetectionBoxes_Precision/mAP";
  static final String PASCAL_MAP = "PascalBoxes_Precision/mAP@0.5IOU";
  public static final String DIR = "best";
  public static final String INFO = "best.json";
  private static final String STAGING = ".best-staging-";
  private static final String ASIDE = ".best-old-";

  private final Path modelDir;
  private final Path dir;
  private final String requested;
  private Double bestValue;

  /** @param metric the metric to maximize; null for the default (COCO mAP, else Pascal mAP) */
  public BestCheckpoint(Path modelDir, String metric) {
    this.modelDir = modelDir;
    this.dir = modelDir.resolve(DIR);
    this.requested = metric;
    recover();
    this.bestValue = read(dir).map(o -> o.get("value").getAsDouble()).orElse(null);
  }

  /**
   * Copies {@code checkpoint} to {@code best/} when its metric beats the kept one.
   *
   * @return whether it became the best
   * @throws ConfigException when the chosen metric is not among {@code metrics}
   */
  public boolean offer(Path checkpoint, long step, Map<String, Double> metrics) {
    String metric = metricName(metrics);
    double value = metrics.get(metric);
    if (Double.isNaN(value) || (bestValue != null && !(value > bestValue))) {
      LOG.info("Best checkpoint stays {} ({} {})", dir, metric, bestValue);
      return false;
    }
    try {
      copy(checkpoint, step, metric, value, metrics);
    } catch (NoSuchFileException e) {
      LOG.warn("Best checkpoint not updated: {} was deleted (checkpoint rotation) before it could be"
          + " copied", e.getFile());
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the best checkpoint to " + dir + ": " + e.getMessage(), e);
    }
    LOG.info("New best checkpoint: step {} with {} = {} (was {}), copied to {}", step, metric, value,
        bestValue == null ? "none" : bestValue, dir);
    bestValue = value;
    return true;
  }

  /** The metric this keeps the best of, given the metrics an evaluation produced. */
  String metricName(Map<String, Double> metrics) {
    if (requested != null) {
      if (!metrics.containsKey(requested)) {
        throw new ConfigException("--best_metric \"" + requested + "\" is not a metric of this"
            + " evaluation." + Suggestions.didYouMean(requested, new ArrayList<>(metrics.keySet()))
            + " Metrics: " + String.join(", ", metrics.keySet()));
      }
      return requested;
    }
    if (metrics.containsKey(DEFAULT_METRIC)) {
      return DEFAULT_METRIC;
    }
    if (metrics.containsKey(PASCAL_MAP)) {
      return PASCAL_MAP;
    }
    return metrics.keySet().iterator().next();
  }

  /** What {@code best/best.json} says, if there is a best copy. */
  public static Optional<JsonObject> read(Path bestDir) {
    Path info = bestDir.resolve(INFO);
    if (!Files.exists(info)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JsonParser.parseString(Files.readString(info, StandardCharsets.UTF_8)).getAsJsonObject());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read {} ({}): the next evaluation replaces the best copy", info, e.getMessage());
      return Optional.empty();
    }
  }

  private void copy(Path checkpoint, long step, String metric, double value, Map<String, Double> metrics)
      throws IOException {
    Files.createDirectories(modelDir);
    Path staging = Files.createTempDirectory(modelDir, STAGING);
    try {
      String name = checkpoint.getFileName().toString();
      List<Path> files;
      try (Stream<Path> s = Files.list(checkpoint.getParent())) {
        files = s.filter(f -> {
          String n = f.getFileName().toString();
          return n.equals(name + ".index") || n.startsWith(name + ".data-") || n.equals(name + ".trainer.json");
        }).toList();
      }
      if (files.stream().noneMatch(f -> f.getFileName().toString().endsWith(".index"))) {
        throw new NoSuchFileException(checkpoint + ".index");
      }
      for (Path f : files) {
        Files.copy(f, staging.resolve(f.getFileName().toString()));
      }
      CheckpointState.of(name, List.of(name)).write(staging);
      JsonObject info = new JsonObject();
      info.addProperty("step", step);
      info.addProperty("metric", metric);
      info.add("value", Json.number(value));
      info.addProperty("checkpoint", checkpoint.toString());
      JsonObject all = new JsonObject();
      metrics.forEach((k, v) -> all.add(k, Json.number(v)));
      info.add("metrics", all);
      Json.write(staging.resolve(INFO), info);
      Path aside = null;
      if (Files.exists(dir)) {
        aside = modelDir.resolve(ASIDE + Long.toHexString(System.nanoTime()));
        move(dir, aside);
      }
      move(staging, dir);
      staging = null;
      if (aside != null) {
        deleteTree(aside);
      }
    } finally {
      if (staging != null) {
        deleteTree(staging);
      }
    }
  }

  /** Puts back a copy left aside by a crash in the middle of a swap; drops half-made copies. */
  private void recover() {
    if (!Files.isDirectory(modelDir)) {
      return;
    }
    try (Stream<Path> s = Files.list(modelDir)) {
      for (Path p : s.toList()) {
        String n = p.getFileName().toString();
        if (n.startsWith(ASIDE)) {
          if (!Files.exists(dir)) {
            LOG.warn("Putting back the best checkpoint copy {} left aside by an interrupted update", p);
            move(p, dir);
          } else {
            deleteTree(p);
          }
        } else if (n.startsWith(STAGING)) {
          deleteTree(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot tidy {}: {}", modelDir, e.getMessage());
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", root, e.getMessage());
    }
  }
}
