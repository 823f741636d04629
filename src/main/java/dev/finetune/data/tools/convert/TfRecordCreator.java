package dev.finetune.data.tools.convert;

import dev.finetune.data.DataException;
import dev.finetune.data.example.ExampleEncoder;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.example.RgbImage;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.data.tfrecord.TfRecordWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Writes annotated images as {@code tf.train.Example} records in the API's schema, spread over N
 * shards ({@code PREFIX-00000-of-0000N}, record i in shard i mod N, as the API's tools do), plus
 * {@code label_map.pbtxt} beside them. Images are checked by decoding them; JPEG and PNG bytes are
 * stored as they are, other formats ImageIO reads are stored as PNG. Unusable images and boxes are
 * skipped, each with its reason, and reported.
 */
public final class TfRecordCreator {
  /** Pixel boxes may overrun the image by this much (rounding in annotation tools) and are clipped. */
  private static final double PIXEL_SLACK = 1.0;
  private static final double NORMALIZED_SLACK = 1e-3;

  /** What was written and what was skipped, with reasons. */
  public record Report(
      int imagesWritten, int boxesWritten, List<String> skippedImages, List<String> skippedBoxes,
      List<Path> shards, Path labelMapFile, LabelMap labelMap) {}

  private record Converted(byte[] record, int boxes, String skippedImage, List<String> skippedBoxes) {}

  private TfRecordCreator() {}

  /**
   * Converts {@code dataset}; {@code labelMap} fixes the ids (boxes with other labels are skipped),
   * or null to number the dataset's own categories.
   */
  public static Report create(
      SourceDataset dataset, Path imagesDir, String outputPrefix, int numShards, LabelMap labelMap)
      throws IOException {
    if (numShards < 1) {
      throw new IllegalArgumentException("--num_shards must be at least 1");
    }
    if (dataset.images().isEmpty()) {
      throw new DataException("the annotations list no images");
    }
    LabelMap map = labelMap != null ? labelMap : LabelMap.of(
        dataset.categories().stream().map(c -> new LabelMap.Item(c.id(), c.name())).toList(), "the annotations' classes");
    Path prefix = Path.of(outputPrefix);
    List<Path> shards = new ArrayList<>();
    for (int s = 0; s < numShards; s++) {
      shards.add(prefix.resolveSibling(String.format("%s-%05d-of-%05d", prefix.getFileName(), s, numShards)));
    }
    List<TfRecordWriter> writers = new ArrayList<>();
    int images = 0;
    int boxes = 0;
    List<String> skippedImages = new ArrayList<>();
    List<String> skippedBoxes = new ArrayList<>();
    try {
      for (Path shard : shards) {
        writers.add(TfRecordWriter.create(shard));
      }
      int chunk = 32;
      List<SourceDataset.Image> all = dataset.images();
      for (int start = 0; start < all.size(); start += chunk) {
        int from = start;
        List<Converted> converted = IntStream.range(from, Math.min(all.size(), from + chunk)).parallel()
            .mapToObj(i -> convert(all.get(i), imagesDir, map))
            .toList();
        for (Converted c : converted) {
          skippedBoxes.addAll(c.skippedBoxes());
          if (c.record() == null) {
            skippedImages.add(c.skippedImage());
            continue;
          }
          writers.get(images % numShards).write(c.record());
          images++;
          boxes += c.boxes();
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      // Leave existing shards of an earlier run as they were rather than half-written.
      writers.forEach(TfRecordWriter::abort);
      throw e;
    }
    if (images == 0) {
      writers.forEach(TfRecordWriter::abort);
      throw new DataException("none of the " + dataset.images().size() + " images could be converted; first: "
          + skippedImages.get(0));
    }
    for (TfRecordWriter w : writers) {
      w.close();
    }
    Path labelMapFile = prefix.resolveSibling("label_map.pbtxt");
    LabelMapFile.write(map, labelMapFile);
    return new Report(images, boxes, skippedImages, skippedBoxes, shards, labelMapFile, map);
  }

  private static Converted convert(SourceDataset.Image image, Path imagesDir, LabelMap map) {
    Path file = imagesDir.resolve(image.filename());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return skipped(image, "image file not found: " + file);
    } catch (IOException e) {
      return skipped(image, "cannot read " + file + ": " + e.getMessage());
    }
    RgbImage decoded;
    try {
      decoded = ImageCodec.decode(bytes);
    } catch (IOException e) {
      return skipped(image, file + " does not decode as an image: " + e.getMessage());
    }
    String format = ImageCodec.sniffFormat(bytes);
    if (format == null) {
      try {
        bytes = ImageCodec.encodePng(ImageCodec.toBufferedImage(decoded));
        format = "png";
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    int h = decoded.height();
    int w = decoded.width();
    List<ExampleEncoder.Box> boxes = new ArrayList<>();
    List<String> skippedBoxes = new ArrayList<>();
    for (SourceDataset.Box b : image.boxes()) {
      String problem = null;
      int id = map.idOf(b.label());
      double sx = b.normalized() ? 1 : w;
      double sy = b.normalized() ? 1 : h;
      double slack = b.normalized() ? NORMALIZED_SLACK : PIXEL_SLACK;
      if (id < 0) {
        problem = "label '" + b.label() + "' is not in the label map";
      } else if (!(b.xmin() < b.xmax()) || !(b.ymin() < b.ymax())) {
        problem = "empty or inverted box (xmin " + b.xmin() + ", xmax " + b.xmax() + ", ymin " + b.ymin()
            + ", ymax " + b.ymax() + ")";
      } else if (b.xmin() < -slack || b.ymin() < -slack || b.xmax() > sx + slack || b.ymax() > sy + slack) {
        problem = "box (" + b.xmin() + ", " + b.ymin() + ", " + b.xmax() + ", " + b.ymax() + ") lies outside the "
            + (b.normalized() ? "unit square (are the boxes in pixels? drop --normalized)"
                : w + "x" + h + " image");
      } else if (!b.normalized() && b.xmax() <= 1.0 && b.ymax() <= 1.0 && w > 2 && h > 2) {
        problem = "box (" + b.xmin() + ", " + b.ymin() + ", " + b.xmax() + ", " + b.ymax() + ") is under 1 pixel;"
            + " are the boxes normalized? then pass --normalized";
      }
      if (problem != null) {
        skippedBoxes.add(b.origin() + " (" + image.filename() + "): " + problem);
        continue;
      }
      boxes.add(new ExampleEncoder.Box(
          clamp(b.ymin() / sy), clamp(b.xmin() / sx), clamp(b.ymax() / sy), clamp(b.xmax() / sx),
          id, map.nameOf(id, false), b.difficult()));
    }
    String name = Path.of(image.filename()).getFileName().toString();
    byte[] record = ExampleEncoder.encode(name, name, bytes, format, h, w, boxes);
    return new Converted(record, boxes.size(), null, skippedBoxes);
  }

  private static Converted skipped(SourceDataset.Image image, String reason) {
    return new Converted(null, 0, image.origin() + " (" + image.filename() + "): " + reason, List.of());
  }

  private static float clamp(double v) {
    return (float) Math.max(0, Math.min(1, v));
  }
}
