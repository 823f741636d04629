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
import java.awt.geom.Path2D;
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
 * Synthesizes a labelled detection dataset: shapes of several sizes and colours, sometimes
 * overlapping, on textured backgrounds (gradients, stripes, noise), as JPEG {@code
 * tf.train.Example} records in the API's schema plus {@code label_map.pbtxt}. Which shapes is the
 * {@link Task}: the demo's pretraining task (circles, squares, triangles) or its fine-tuning task
 * (two of those and two new ones). The same seed gives the same bytes; images are rendered in
 * parallel.
 */
public final class DemoDataset {
  /** The pretraining task's classes, the default. */
  public static final List<String> CLASSES = Task.PRETRAIN.classes();
  public static final String LABEL_MAP = "label_map.pbtxt";
  public static final String TRAIN = "train.record";
  public static final String EVAL = "eval.record";

  /** One rendered image and its boxes. */
  public record Sample(String name, BufferedImage image, List<ExampleEncoder.Box> boxes) {}

  /** A shape the dataset draws, inside a square of side {@code size} at (x, y). */
  public enum ShapeKind {
    CIRCLE(Math.PI / 4),
    SQUARE(1),
    TRIANGLE(0.5),
    /** Five points, inner radius 0.45 of the outer: thick enough to stay a star at 160 pixels. */
    STAR(5 * 0.25 * 0.45 * Math.sin(Math.toRadians(36))),
    /** A plus sign whose arms are a third of the side wide. */
    CROSS(5.0 / 9);

    /** The shape's area over its square's, to tell how much of it later shapes hide. */
    final double areaFraction;

    ShapeKind(double areaFraction) {
      this.areaFraction = areaFraction;
    }

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    Shape at(double x, double y, double size) {
      return switch (this) {
        case CIRCLE -> new Ellipse2D.Double(x, y, size, size);
        case SQUARE -> new Rectangle2D.Double(x, y, size, size);
        case TRIANGLE -> new Polygon(
            new int[] {(int) Math.round(x + size / 2), (int) Math.round(x + size), (int) Math.round(x)},
            new int[] {(int) Math.round(y), (int) Math.round(y + size), (int) Math.round(y + size)}, 3);
        case STAR -> star(x + size / 2, y + size / 2, size / 2, 0.45 * size / 2);
        case CROSS -> {
          Path2D.Double p = new Path2D.Double();
          double t = size / 3;
          double[][] corners = {{t, 0}, {2 * t, 0}, {2 * t, t}, {size, t}, {size, 2 * t}, {2 * t, 2 * t},
              {2 * t, size}, {t, size}, {t, 2 * t}, {0, 2 * t}, {0, t}, {t, t}};
          p.moveTo(x + corners[0][0], y + corners[0][1]);
          for (int i = 1; i < corners.length; i++) {
            p.lineTo(x + corners[i][0], y + corners[i][1]);
          }
          p.closePath();
          yield p;
        }
      };
    }

    private static Shape star(double cx, double cy, double outer, double inner) {
      Path2D.Double p = new Path2D.Double();
      for (int i = 0; i < 10; i++) {
        double r = i % 2 == 0 ? outer : inner;
        double a = Math.toRadians(-90 + 36 * i);
        double px = cx + r * Math.cos(a);
        double py = cy + r * Math.sin(a);
        if (i == 0) {
          p.moveTo(px, py);
        } else {
          p.lineTo(px, py);
        }
      }
      p.closePath();
      return p;
    }
  }

  /**
   * Which shapes a dataset has: the demo's starting checkpoint is trained on {@code pretrain}, and
   * {@code finetune demo} fine-tunes it on {@code finetune}, whose label map differs (two shapes
   * kept, two new), so the class heads start anew while the backbone and box encoders restore.
   */
  public enum Task {
    PRETRAIN(List.of(ShapeKind.CIRCLE, ShapeKind.SQUARE, ShapeKind.TRIANGLE)),
    FINETUNE(List.of(ShapeKind.CIRCLE, ShapeKind.TRIANGLE, ShapeKind.STAR, ShapeKind.CROSS));

    private final List<ShapeKind> shapes;

    Task(List<ShapeKind> shapes) {
      this.shapes = shapes;
    }

    /** Shapes in class-id order (id 1 first). */
    public List<ShapeKind> shapes() {
      return shapes;
    }

    public List<String> classes() {
      return shapes.stream().map(ShapeKind::label).toList();
    }

    /** The lower-case name the command line uses. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public LabelMap labelMap() {
      return LabelMap.ofNames(classes(), LABEL_MAP);
    }
  }

  private DemoDataset() {}

  /** The pretraining task's dataset into {@code dir} (see {@link #write(Path, Task, int, int, int, int, long)}). */
  public static void write(Path dir, int numTrain, int numEval, int width, int height, long seed) throws IOException {
    write(dir, Task.PRETRAIN, numTrain, numEval, width, height, seed);
  }

  /** Writes {@code train.record}, {@code eval.record} and {@code label_map.pbtxt} of {@code task} into {@code dir}. */
  public static void write(Path dir, Task task, int numTrain, int numEval, int width, int height, long seed)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(LABEL_MAP), task.labelMap().toPbtxt(), StandardCharsets.UTF_8);
    writeRecords(dir.resolve(TRAIN), task, "train", numTrain, width, height, seed);
    writeRecords(dir.resolve(EVAL), task, "eval", numEval, width, height, seed);
  }

  /** The pretraining task's label map. */
  public static LabelMap labelMap() {
    return Task.PRETRAIN.labelMap();
  }

  private static void writeRecords(Path file, Task task, String split, int count, int width, int height, long seed)
      throws IOException {
    long splitSeed = seed * 31 + split.hashCode();
    int chunk = 64;
    try (TfRecordWriter writer = TfRecordWriter.create(file)) {
      for (int start = 0; start < count; start += chunk) {
        int from = start;
        List<byte[]> records = IntStream.range(from, Math.min(count, from + chunk)).parallel()
            .mapToObj(i -> encode(render(task, split + "_" + String.format("%06d", i), width, height,
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

  /** Renders one image with 1 to 4 shapes of the pretraining task. */
  public static Sample render(String name, int width, int height, Random rng) {
    return render(Task.PRETRAIN, name, width, height, rng);
  }

  /** Renders one image with 1 to 4 shapes of {@code task}. */
  public static Sample render(Task task, String name, int width, int height, Random rng) {
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
      int cls = rng.nextInt(task.shapes().size());
      ShapeKind kind = task.shapes().get(cls);
      double size = minSide * (0.12 + 0.38 * rng.nextDouble());
      double x = rng.nextDouble() * (width - size);
      double y = rng.nextDouble() * (height - size);
      Shape shape = kind.at(x, y, size);
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
      areas.add(size * size * kind.areaFraction);
      Rectangle2D b = shape.getBounds2D();
      boxes.add(new ExampleEncoder.Box(
          (float) (clamp01(b.getMinY() / height)), (float) clamp01(b.getMinX() / width),
          (float) clamp01(b.getMaxY() / height), (float) clamp01(b.getMaxX() / width),
          cls + 1, kind.label()));
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
