package dev.finetune.export;

import dev.finetune.data.example.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;

/** For CLI tests in other packages: a tiny checkpoint, its pipeline.config and label map on disk. */
public record ExportCliFixture(Path config, Path trainDir, Path prefix) {
  public static ExportCliFixture create(Path dir) throws Exception {
    Path labels = ExportTestSupport.writeLabelMap(dir.resolve("data"));
    Path trainDir = dir.resolve("train");
    Path prefix = ExportTestSupport.writeCheckpoint(trainDir, 5, false, 11);
    Path config = Files.writeString(dir.resolve("pipeline.config"),
        ExportTestSupport.pipelineText(false, labels, null));
    return new ExportCliFixture(config, trainDir, prefix);
  }

  public static RgbImage image(int height, int width) {
    return ExportTestSupport.image(height, width, height * 31L + width);
  }
}
