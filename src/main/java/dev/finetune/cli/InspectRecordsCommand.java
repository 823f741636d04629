package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.config.ConfigException;
import dev.finetune.config.UserPaths;
import dev.finetune.data.DataException;
import dev.finetune.data.example.Annotations;
import dev.finetune.data.example.ExampleDecoder;
import dev.finetune.data.example.ImageCodec;
import dev.finetune.data.example.RgbImage;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.data.tfrecord.CorruptRecordException;
import dev.finetune.data.tfrecord.InputPaths;
import dev.finetune.data.tfrecord.TfRecord;
import dev.finetune.data.tfrecord.TfRecordReader;
import dev.finetune.data.tools.BoxPainter;
import dev.finetune.data.tools.RecordStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code finetune inspect_records}: look at a record set before training on it for hours. */
@Command(
    name = "inspect_records",
    aliases = "inspect-records",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Count, check and draw the records of TFRecord files before training on them.",
      "Check TFRecord files of tf.train.Example records: record count, damaged records, images and boxes"
          + " per class, boxes per image, box sizes, image sizes. With --draw, write PNGs of the first"
          + " images with their labelled boxes drawn. Exits with 3 when a record is damaged or unusable."
    })
final class InspectRecordsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Record files or globs (train-?????-of-00010, *.record).")
  List<String> paths;

  @Option(names = "--label_map", paramLabel = "FILE", description = "Label map: class names, and class text resolved to ids.")
  String labelMapPath;

  @Option(names = "--draw", paramLabel = "DIR", description = "Write PNGs with the boxes drawn into DIR.")
  String drawDir;

  @Option(names = "--count", paramLabel = "N", defaultValue = "10", description = "Images to draw (default: ${DEFAULT-VALUE}).")
  int count;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (count < 1) {
      throw new ConfigException("--count must be at least 1, got " + count);
    }
    LabelMap labelMap = labelMapPath == null ? null : LabelMapFile.load(labelMapPath);
    List<Path> files = InputPaths.expand(paths);
    ExampleDecoder decoder = new ExampleDecoder(labelMap);
    RecordStats stats = new RecordStats();
    Path draw = drawDir == null ? null : UserPaths.resolve(drawDir);
    List<Path> drawn = new ArrayList<>();
    for (Path file : files) {
      try (TfRecordReader reader = TfRecordReader.open(file)) {
        while (true) {
          TfRecord record;
          try {
            record = reader.next();
          } catch (CorruptRecordException e) {
            stats.addDamaged(e.describe());
            continue;
          }
          if (record == null) {
            break;
          }
          try {
            Annotations a = decoder.annotations(record);
            stats.add(a);
            if (draw != null && drawn.size() < count) {
              drawn.add(draw(record, a, labelMap, draw, drawn.size()));
            }
          } catch (DataException e) {
            stats.addUnusable(e.getMessage());
          }
        }
      }
    }
    out.println("Files: " + files.size() + (files.size() == 1 ? " (" + files.get(0) + ")" : ""));
    stats.print(out, labelMap);
    if (draw != null) {
      out.println("Drew " + drawn.size() + (drawn.size() == 1 ? " image" : " images")
          + " with their boxes into " + draw);
    }
    out.flush();
    if (stats.records() == 0) {
      String where = String.join(" ", paths);
      throw new DataException(stats.damaged().isEmpty() && stats.unusable().isEmpty()
          ? "no records in " + where + ": " + (files.size() == 1 ? "the file is" : "the files are")
              + " empty. Was it written completely (create_tfrecord, make_demo_data)?"
          : "no usable records in " + where + ": every record is damaged or unusable (listed above)");
    }
    return stats.damaged().isEmpty() && stats.unusable().isEmpty() ? 0 : ExitCode.DATA.code();
  }

  private static Path draw(TfRecord record, Annotations a, LabelMap labelMap, Path dir, int n) throws IOException {
    RgbImage image = ExampleDecoder.decodeImage(record, a);
    List<BoxPainter.LabeledBox> boxes = new ArrayList<>();
    for (int i = 0; i < a.numBoxes(); i++) {
      int id = a.classes()[i];
      String name = labelMap != null && labelMap.contains(id) ? labelMap.nameOf(id, false)
          : !a.classTexts()[i].isEmpty() ? a.classTexts()[i] : "class " + id;
      float[] b = a.boxes();
      boxes.add(new BoxPainter.LabeledBox(b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3], id, id + " " + name));
    }
    Files.createDirectories(dir);
    String stem = a.sourceId().replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.(jpe?g|png)$", "");
    Path file = dir.resolve(String.format("%04d_%s.png", n, stem.isEmpty() ? "record" + record.index() : stem));
    ImageIO.write(BoxPainter.draw(ImageCodec.toBufferedImage(image), boxes), "png", file.toFile());
    return file;
  }
}
