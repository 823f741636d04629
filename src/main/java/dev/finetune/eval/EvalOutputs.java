package dev.finetune.eval;

import com.google.gson.JsonObject;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.summary.EventFileWriter;
import dev.finetune.util.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an evaluation's results go, as the API's eval and a bit more: the log ({@code Eval metrics
 * at step N}, then {@code + name: value} per metric), {@code model_dir/eval_metrics.jsonl} (one
 * {@code {"step": N, metric: value, ...}} line per evaluation), TensorBoard scalars and the
 * side-by-side images under {@code model_dir/eval}, the detections in the COCO results format
 * ({@code eval/detections-<step>.json}) and, once, the ground truth as a COCO file ({@code
 * eval/groundtruth.json}).
 */
final class EvalOutputs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EvalOutputs.class);
  static final String EVAL_DIR = "eval";
  static final String METRICS = "eval_metrics.jsonl";
  static final String GROUNDTRUTH = "groundtruth.json";

  private final Path modelDir;
  private final Path evalDir;
  private EventFileWriter events;
  private boolean wroteGroundTruth;

  EvalOutputs(Path modelDir) {
    this.modelDir = modelDir;
    this.evalDir = modelDir.resolve(EVAL_DIR);
  }

  void write(EvalResult result, CocoDataset coco, List<SideBySide.Image> images) {
    long step = result.step();
    LOG.info("Eval metrics at step {}", step);
    result.metrics().forEach((k, v) -> LOG.info(String.format(Locale.ROOT, "\t+ %s: %f", k, v)));
    try {
      Files.createDirectories(evalDir);
      JsonObject line = new JsonObject();
      line.addProperty("step", step);
      result.metrics().forEach((k, v) -> line.add(k, Json.number(v)));
      Json.appendLine(modelDir.resolve(METRICS), line);
      writeJson(evalDir.resolve("detections-" + step + ".json"), coco, false);
      Path gt = evalDir.resolve(GROUNDTRUTH);
      if (!wroteGroundTruth && !Files.exists(gt)) {
        writeJson(gt, coco, true);
      }
      wroteGroundTruth = true;
      if (events == null) {
        events = new EventFileWriter(evalDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the evaluation results in " + evalDir + ": "
          + e.getMessage(), e);
    }
    for (Map.Entry<String, Double> m : result.metrics().entrySet()) {
      events.scalar(step, m.getKey(), m.getValue());
    }
    for (SideBySide.Image image : images) {
      try {
        events.image(step, image.tag(), ImageCodec.encodePng(image.image()),
            image.image().getHeight(), image.image().getWidth());
      } catch (IOException e) {
        LOG.warn("cannot encode the eval image {}: {}", image.tag(), e.getMessage());
      }
    }
    events.flush();
  }

  /** Written beside, then renamed, so a reader never sees half a file. */
  private static void writeJson(Path file, CocoDataset coco, boolean groundTruth) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    if (groundTruth) {
      CocoJsonWriter.writeGroundTruth(coco, tmp);
    } else {
      CocoJsonWriter.writeDetections(coco, tmp);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    if (events != null) {
      events.close();
    }
  }
}
