package dev.finetune.cli;

import dev.finetune.config.UserPaths;
import dev.finetune.data.DataException;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.data.tools.convert.CocoAnnotations;
import dev.finetune.data.tools.convert.CsvAnnotations;
import dev.finetune.data.tools.convert.SourceDataset;
import dev.finetune.data.tools.convert.TfRecordCreator;
import dev.finetune.data.tools.convert.VocAnnotations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finetune create_tfrecord}: images + annotations to the API's TFRecords and label map. */
@Command(
    name = "create_tfrecord",
    aliases = "create-tfrecord",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Convert images + COCO / Pascal VOC / CSV annotations into TFRecords and a label map.",
      "Convert images and their annotations (COCO instances JSON, a folder of Pascal VOC XML files, or a"
          + " CSV of filename,xmin,ymin,xmax,ymax,label) into sharded TFRecords of tf.train.Example in the"
          + " Object Detection API's schema, plus label_map.pbtxt beside them. Images and boxes that cannot"
          + " be used are skipped and listed with the reason."
    })
final class CreateTfRecordCommand implements Callable<Integer> {
  enum Format { coco, voc, csv }

  private static final int LISTED = 20;

  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(names = "--from", required = true, paramLabel = "FORMAT", description = "Annotation format: ${COMPLETION-CANDIDATES}.")
  Format from;

  @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder the annotations' file names are relative to.")
  String images;

  @Option(names = "--annotations", required = true, paramLabel = "FILE_OR_DIR",
      description = "COCO JSON file, VOC XML folder (or one file), or CSV file.")
  String annotations;

  @Option(names = "--output", required = true, paramLabel = "PREFIX",
      description = "Output prefix: writes PREFIX-00000-of-0000N ... and label_map.pbtxt in PREFIX's folder.")
  String output;

  @Option(names = "--num_shards", paramLabel = "N", defaultValue = "1", description = "Number of shards (default: ${DEFAULT-VALUE}).")
  int numShards;

  @Option(names = "--normalized", description = "CSV boxes are normalized to [0, 1] instead of pixels.")
  boolean normalized;

  @Option(names = "--label_map", paramLabel = "FILE",
      description = "Use these class ids (boxes of other classes are skipped) instead of numbering the classes found.")
  String labelMapPath;

  @Override
  public Integer call() throws IOException {
    if (numShards < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--num_shards must be at least 1");
    }
    Path annotationPath = UserPaths.resolve(annotations);
    Path imageDir = UserPaths.resolve(images);
    if (!Files.exists(annotationPath)) {
      throw new DataException("annotations not found: " + annotationPath);
    }
    if (!Files.isDirectory(imageDir)) {
      throw new DataException("image folder not found: " + imageDir);
    }
    if (normalized && from != Format.csv) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--normalized applies to --from csv only");
    }
    SourceDataset dataset = switch (from) {
      case coco -> CocoAnnotations.read(annotationPath);
      case voc -> VocAnnotations.read(annotationPath);
      case csv -> CsvAnnotations.read(annotationPath, normalized);
    };
    LabelMap labelMap = labelMapPath == null ? null : LabelMapFile.load(labelMapPath);
    TfRecordCreator.Report report = TfRecordCreator.create(
        dataset, imageDir, UserPaths.resolve(output).toString(), numShards, labelMap);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Wrote %d images with %d boxes into %d shard%s:%n", report.imagesWritten(), report.boxesWritten(),
        report.shards().size(), report.shards().size() == 1 ? "" : "s");
    for (Path shard : report.shards()) {
      out.println("  " + shard);
    }
    int classes = report.labelMap().size();
    out.println("Label map (" + classes + (classes == 1 ? " class" : " classes") + "): "
        + report.labelMapFile());
    list(out, "Skipped images", report.skippedImages());
    list(out, "Skipped boxes", report.skippedBoxes());
    out.flush();
    return 0;
  }

  private static void list(PrintWriter out, String what, List<String> items) {
    if (items.isEmpty()) {
      return;
    }
    out.println(what + ": " + items.size());
    items.stream().limit(LISTED).forEach(s -> out.println("  " + s));
    if (items.size() > LISTED) {
      out.println("  ... and " + (items.size() - LISTED) + " more");
    }
  }
}
