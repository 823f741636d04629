package dev.finetune.eval;

import dev.finetune.data.DetectionBatch;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.example.RgbImage;
import dev.finetune.data.tools.BoxPainter;
import dev.finetune.proto.EvalConfig;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API's eval visualizations: for the first {@code eval_config.num_visualizations} images, the
 * model's input with its detections (score at least {@code min_score_threshold}, at most {@code
 * max_num_boxes_to_visualize}) on the left and the ground truth on the right.
 */
final class SideBySide {
  /** One drawn image, for a TensorBoard image summary. */
  record Image(String tag, BufferedImage image) {}

  private final int max;
  private final float minScore;
  private final int maxBoxes;
  private final Map<Integer, String> names = new HashMap<>();
  private final List<Image> images = new ArrayList<>();

  SideBySide(EvalConfig config, List<Category> categories) {
    this.max = config.getNumVisualizations();
    this.minScore = config.getMinScoreThreshold();
    this.maxBoxes = config.getMaxNumBoxesToVisualize();
    categories.forEach(c -> names.put(c.id(), c.name()));
  }

  /** Draws image {@code i} of {@code batch} while fewer than num_visualizations are drawn. */
  void offer(DetectionBatch batch, int i, EvalImage image) {
    if (images.size() >= max) {
      return;
    }
    int pixels = batch.height() * batch.width() * 3;
    float[] rgb = Arrays.copyOfRange(batch.images(), i * pixels, (i + 1) * pixels);
    BufferedImage input = ImageCodec.toBufferedImage(new RgbImage(batch.height(), batch.width(), rgb));
    List<BoxPainter.LabeledBox> detections = new ArrayList<>();
    EvalImage.Detections d = image.detections();
    for (int k = 0; k < d.size() && detections.size() < maxBoxes; k++) {
      if (d.scores()[k] >= minScore) {
        float[] b = d.boxes()[k];
        detections.add(new BoxPainter.LabeledBox(b[0], b[1], b[2], b[3], d.classes()[k],
            String.format(Locale.ROOT, "%s: %d%%", name(d.classes()[k]), Math.round(100 * d.scores()[k]))));
      }
    }
    List<BoxPainter.LabeledBox> truth = new ArrayList<>();
    EvalImage.GroundTruth g = image.groundTruth();
    for (int k = 0; k < g.size(); k++) {
      float[] b = g.boxes()[k];
      truth.add(new BoxPainter.LabeledBox(b[0], b[1], b[2], b[3], g.classes()[k], name(g.classes()[k])));
    }
    BufferedImage left = BoxPainter.draw(input, detections);
    BufferedImage right = BoxPainter.draw(input, truth);
    BufferedImage both = new BufferedImage(left.getWidth() * 2, left.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g2 = both.createGraphics();
    g2.drawImage(left, 0, 0, null);
    g2.drawImage(right, left.getWidth(), 0, null);
    g2.dispose();
    images.add(new Image("eval_side_by_side_" + images.size(), both));
  }

  private String name(int id) {
    return names.getOrDefault(id, Integer.toString(id));
  }

  List<Image> images() {
    return images;
  }
}
