package dev.finetune.cli;

import dev.finetune.ExitCode;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.export.InferenceRunner;
import dev.finetune.export.SavedModelDetector;
import dev.finetune.export.SavedModelExporter;
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

/** {@code finetune infer}: an exported model on image files, JSON detections and drawn PNGs. */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run an exported model on JPEG/PNG images.",
      "Writes OUT/<image>.json (detections: class id and name, score, box normalized and in"
          + " pixels) and OUT/<image>.png (labelled boxes). Unreadable images are reported and"
          + " skipped; the exit code is then 3."
    })
final class InferCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--saved_model", paramLabel = "DIR", required = true,
      description = "The --output_directory of finetune export (or its saved_model/).")
  Path savedModel;

  @Option(names = "--images", paramLabel = "IMAGE", arity = "1..*", required = true,
      description = "Image files (JPEG or PNG).")
  List<Path> images;

  @Option(names = "--output_dir", paramLabel = "DIR", required = true,
      description = "Where to write the JSON and PNG files (created).")
  Path outputDir;

  @Option(names = "--min_score", paramLabel = "S", defaultValue = "0.5",
      description = "Keep detections with at least this score (default: ${DEFAULT-VALUE}).")
  float minScore;

  @Option(names = "--label_map", paramLabel = "FILE",
      description = "Class names (default: the label_map.pbtxt written beside the SavedModel).")
  Path labelMapPath;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws IOException {
    LabelMap labelMap = labelMap();
    PrintWriter out = spec.commandLine().getOut();
    try (SavedModelDetector detector = SavedModelDetector.load(savedModel)) {
      List<InferenceRunner.ImageResult> results =
          new InferenceRunner(detector, labelMap, minScore).run(images, outputDir);
      long failed = results.stream().filter(r -> !r.ok()).count();
      for (InferenceRunner.ImageResult r : results) {
        out.println(r.ok()
            ? r.image() + ": " + r.detections() + " detections -> " + r.json() + ", " + r.png()
            : r.image() + ": skipped (" + r.error() + ")");
      }
      out.printf("%d of %d images done%s%n", results.size() - failed, results.size(),
          failed == 0 ? "" : "; " + failed + " could not be read (exit code 3)");
      out.flush();
      return failed == 0 ? 0 : ExitCode.DATA.code();
    }
  }

  private LabelMap labelMap() {
    if (labelMapPath != null) {
      return LabelMapFile.load(labelMapPath);
    }
    Path beside = savedModel.resolve(SavedModelExporter.LABEL_MAP);
    if (!Files.isRegularFile(beside) && savedModel.getParent() != null) {
      beside = savedModel.getParent().resolve(SavedModelExporter.LABEL_MAP); // given saved_model/
    }
    return Files.isRegularFile(beside) ? LabelMapFile.load(beside) : null;
  }
}
