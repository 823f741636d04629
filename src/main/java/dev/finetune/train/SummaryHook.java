package dev.finetune.train;

import dev.finetune.data.DetectionBatch;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.example.RgbImage;
import dev.finetune.data.tools.BoxPainter;
import dev.finetune.summary.EventFileWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorBoard summaries under {@code model_dir/train}: every {@code everyN} steps the losses
 * ({@code Loss/*}), {@code learning_rate} and {@code steps_per_sec}; at the first step of a run a
 * few augmented training images with their boxes, as the API's train_input_images.
 */
final class SummaryHook implements TrainHook {
  private static final Logger LOG = LoggerFactory.getLogger(SummaryHook.class);
  static final int IMAGES = 3;

  private final EventFileWriter writer;
  private final int everyN;
  private long runStartStep;
  private long intervalStartNanos;
  private long intervalStartStep;

  SummaryHook(EventFileWriter writer, int everyN) {
    this.writer = writer;
    this.everyN = everyN;
  }

  @Override
  public void beforeTrain(long startStep, long lastStep) {
    runStartStep = intervalStartStep = startStep;
    intervalStartNanos = System.nanoTime();
    writer.sessionStart(startStep + 1);
  }

  @Override
  public void afterStep(StepResult r) {
    if (r.step() == runStartStep + 1) {
      images(r.step(), r.batch());
    }
    if (r.step() % everyN != 0) {
      return;
    }
    long now = System.nanoTime();
    double seconds = (now - intervalStartNanos) / 1e9;
    r.losses().forEach((name, value) -> writer.scalar(r.step(), name, value));
    writer.scalar(r.step(), "learning_rate", r.learningRate());
    if (seconds > 0) {
      writer.scalar(r.step(), "steps_per_sec", (r.step() - intervalStartStep) / seconds);
    }
    intervalStartNanos = now;
    intervalStartStep = r.step();
    writer.flush();
  }

  private void images(long step, DetectionBatch batch) {
    int h = batch.height();
    int w = batch.width();
    for (int b = 0; b < Math.min(IMAGES, batch.batchSize()); b++) {
      float[] pixels = new float[h * w * 3];
      System.arraycopy(batch.images(), b * pixels.length, pixels, 0, pixels.length);
      List<BoxPainter.LabeledBox> boxes = new ArrayList<>();
      for (int i = 0; i < batch.numBoxes()[b]; i++) {
        int at = b * batch.maxBoxes() + i;
        float[] bx = batch.boxes();
        boxes.add(new BoxPainter.LabeledBox(
            bx[4 * at], bx[4 * at + 1], bx[4 * at + 2], bx[4 * at + 3], batch.classes()[at],
            Integer.toString(batch.classes()[at])));
      }
      BufferedImage drawn = BoxPainter.draw(ImageCodec.toBufferedImage(new RgbImage(h, w, pixels)), boxes);
      try {
        writer.image(step, "train_input_images/" + b, ImageCodec.encodePng(drawn), h, w);
      } catch (IOException e) {
        LOG.debug("cannot encode a summary image: {}", e.getMessage());
      }
    }
    writer.flush();
  }

  @Override
  public void afterTrain(StepResult last, StopReason reason) {
    writer.close();
  }
}
