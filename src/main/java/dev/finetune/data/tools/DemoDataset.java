package dev.finetune.data.tools;

import dev.finetune.data.example.ExampleEncoder;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.tfrecord.TfRecordWriter;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Synthesizes a labelled detection dataset: circles, squares and triangles of several sizes and
 * colours, sometimes overlapping, on textured backgrounds (gradients, stripes, noise), as JPEG
 * {@code tf.train.Example} records in the API's schema plus {@code label_map.pbtxt}. The same seed
 * gives the same bytes; images are rendered in parallel.
 */
public final class DemoDataset {
  public static final List<String> CLASSES = List.of("circle", "square", "triangle");
  public static final String LABEL_MAP = "label_map.pbtxt";
  public static final String TRAIN = "train.record";
  public static final String EVAL = "eval.record";

  /** One rendered image and its boxes. */
  public record Sample(String name, BufferedImage image, List<ExampleEncoder.Box> boxes) {}

  private DemoDataset() {}

  /** Writes {@code train.record}, {@code eval.record} and {@code label_map.pbtxt} into {@code dir}. */
  public static void write(Path dir, int numTrain, int numEval, int width, int height, long seed) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(LABEL_MAP), labelMap().toPbtxt(), StandardCharsets.UTF_8);
    writeRecords(dir.resolve(TRAIN), "train", numTrain, width, height, seed);
    writeRecords(dir.resolve(EVAL), "eval", numEval, width, height, seed);
  }

  public static LabelMap labelMap() {
    return LabelMap.ofNames(CLASSES, LABEL_MAP);
  }

  private static void writeRecords(Path file, String split, int count, int width, int height, long seed)
      throws IOException {
    long splitSeed = seed * 31 + split.hashCode();
    int chunk = 64;
    try (TfRecordWriter writer = TfRecordWriter.create(file)) {
      for (int start = 0; start < count; start += chunk) {
        int from = start;
        List<byte[]> records = IntStream.range(from, Math.min(count, from + chunk)).parallel()
            .mapToObj(i -> encode(render(split + "_" + String.format("%06d", i), width, height,
                new Random(splitSeed * 1_000_003L + i))))
            .toList();
        for (byte[] r : records) {
          writer.write(r);
        }
      }
    }
  }

  private static byte[] encode(Sample s) {
    try {
      byte[] jpeg = ImageCodec.encodeJpeg(s.image(), 0.9f);
      return ExampleEncoder.encode(s.name() + ".jpg", s.name(), jpeg, "jpeg",
          s.image().getHeight(), s.image().getWidth(), s.boxes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Renders one image with 1 to 4 shapes. */
  public static Sample render(String name, int width, int height, Random rng) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    background(g, width, height, rng);
    int shapes = 1 + rng.nextInt(4);
    List<ExampleEncoder.Box> boxes = new ArrayList<>();
    // Which shape is on top at each pixel, to drop the boxes of shapes that later ones hide.
    BufferedImage owner = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D og = owner.createGraphics();
    List<Double> areas = new ArrayList<>();
    int minSide = Math.min(width, height);
    for (int i = 0; i < shapes; i++) {
      int cls = rng.nextInt(CLASSES.size());
      double size = minSide * (0.12 + 0.38 * rng.nextDouble());
      double x = rng.nextDouble() * (width - size);
      double y = rng.nextDouble() * (height - size);
      Shape shape = switch (cls) {
        case 0 -> new Ellipse2D.Double(x, y, size, size);
        case 1 -> new Rectangle2D.Double(x, y, size, size);
        default -> new Polygon(
            new int[] {(int) Math.round(x + size / 2), (int) Math.round(x + size), (int) Math.round(x)},
            new int[] {(int) Math.round(y), (int) Math.round(y + size), (int) Math.round(y + size)}, 3);
      };
      Color fill = Color.getHSBColor(rng.nextFloat(), 0.5f + 0.5f * rng.nextFloat(), 0.45f + 0.55f * rng.nextFloat());
      g.setColor(fill);
      g.fill(shape);
      if (rng.nextBoolean()) {
        // A stripe texture on the shape, so colour alone does not give the class away.
        g.setClip(shape);
        g.setColor(fill.darker());
        g.setStroke(new BasicStroke(2f));
        for (double s = -size; s < size; s += 6 + rng.nextInt(6)) {
          g.drawLine((int) (x + s), (int) y, (int) (x + s + size), (int) (y + size));
        }
        g.setClip(null);
      }
      og.setColor(new Color(i + 1, i + 1, i + 1));
      og.fill(shape);
      areas.add(size * size * (cls == 0 ? Math.PI / 4 : cls == 1 ? 1 : 0.5));
      Rectangle2D b = shape.getBounds2D();
      boxes.add(new ExampleEncoder.Box(
          (float) (clamp01(b.getMinY() / height)), (float) clamp01(b.getMinX() / width),
          (float) clamp01(b.getMaxY() / height), (float) clamp01(b.getMaxX() / width),
          cls + 1, CLASSES.get(cls)));
    }
    g.dispose();
    og.dispose();
    noise(img, rng);
    return new Sample(name, img, visible(boxes, areas, owner));
  }

  /** The boxes of shapes of which at least a quarter is still visible. */
  private static List<ExampleEncoder.Box> visible(List<ExampleEncoder.Box> boxes, List<Double> areas, BufferedImage owner) {
    byte[] px = ((java.awt.image.DataBufferByte) owner.getRaster().getDataBuffer()).getData();
    int[] count = new int[boxes.size() + 1];
    for (byte p : px) {
      count[p & 0xff]++;
    }
    List<ExampleEncoder.Box> out = new ArrayList<>();
    for (int i = 0; i < boxes.size(); i++) {
      if (count[i + 1] >= 0.25 * areas.get(i)) {
        out.add(boxes.get(i));
      }
    }
    return out;
  }

  private static void background(Graphics2D g, int w, int h, Random rng) {
    Color a = Color.getHSBColor(rng.nextFloat(), 0.3f * rng.nextFloat(), 0.3f + 0.6f * rng.nextFloat());
    Color b = Color.getHSBColor(rng.nextFloat(), 0.3f * rng.nextFloat(), 0.3f + 0.6f * rng.nextFloat());
    g.setPaint(new GradientPaint(0, 0, a, w * rng.nextFloat(), h, b));
    g.fillRect(0, 0, w, h);
    int pattern = rng.nextInt(3);
    g.setColor(new Color(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256), 60));
    if (pattern == 0) {
      int step = 8 + rng.nextInt(24);
      for (int x = 0; x < w + h; x += step) {
        g.drawLine(x, 0, x - h, h);
      }
    } else if (pattern == 1) {
      int cell = 10 + rng.nextInt(30);
      for (int y = 0; y < h; y += cell) {
        for (int x = (y / cell) % 2 * cell; x < w; x += 2 * cell) {
          g.fillRect(x, y, cell, cell);
        }
      }
    } else {
      for (int i = 0; i < 40; i++) {
        int r = 2 + rng.nextInt(Math.max(3, Math.min(w, h) / 12));
        g.fillOval(rng.nextInt(w), rng.nextInt(h), r, r);
      }
    }
  }

  /** Mild per-pixel noise, like a camera sensor's (a cheap xorshift generator seeded from rng). */
  private static void noise(BufferedImage img, Random rng) {
    byte[] px = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
    long state = rng.nextLong() | 1;
    for (int i = 0; i < px.length; i++) {
      state ^= state << 13;
      state ^= state >>> 7;
      state ^= state << 17;
      int v = (px[i] & 0xff) + (int) ((state >>> 40) % 13) - 6;
      px[i] = (byte) Math.max(0, Math.min(255, v));
    }
  }

  private static double clamp01(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
