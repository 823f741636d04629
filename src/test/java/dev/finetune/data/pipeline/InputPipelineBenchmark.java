package dev.finetune.data.pipeline;

import com.google.protobuf.TextFormat;
import dev.finetune.data.DetectionBatch;
import dev.finetune.data.ExampleTransform;
import dev.finetune.data.augment.ImageResizers;
import dev.finetune.data.augment.Preprocessor;
import dev.finetune.data.augment.Resize;
import dev.finetune.data.tools.DemoDataset;
import dev.finetune.proto.PreprocessingStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Input pipeline throughput (not a test; run by scripts/bench_input_pipeline.sh): 640x480 JPEG
 * demo records, decoded, augmented with the stock SSD options (random_horizontal_flip +
 * ssd_random_crop, built from config text by the Preprocessor) and resized to 300x300 (bilinear
 * fixed_shape_resizer), batched by 8, on 1 worker thread and on all cores, side by side in one run.
 *
 * <p>Arguments: [images (default 240)] [seconds per measurement (default 15)].
 */
public final class InputPipelineBenchmark {
  /** Images/s one training step of SSD MobileNetV1 300x300 consumes here (TENSORFLOW_JAVA_NOTES). */
  private static final double TRAINING_IMAGES_PER_SECOND = 13.5;
  private static final int BATCH = 8;

  private InputPipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    int images = args.length > 0 ? Integer.parseInt(args[0]) : 240;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 15;
    int cores = Runtime.getRuntime().availableProcessors();
    Path dir = Files.createTempDirectory("bench_input_pipeline");
    long t0 = System.nanoTime();
    DemoDataset.write(dir, images, 0, 640, 480, 1);
    System.out.printf("Generated %d 640x480 JPEG records in %.1f s (%s)%n", images, (System.nanoTime() - t0) / 1e9,
        dir);
    List<Path> files = List.of(dir.resolve(DemoDataset.TRAIN));
    ExampleTransform ssd = Preprocessor.fromConfig(List.of(
        TextFormat.parse("random_horizontal_flip { }", PreprocessingStep.class),
        TextFormat.parse("ssd_random_crop { }", PreprocessingStep.class)));
    ExampleTransform none = ExampleTransform.identity();

    System.out.printf("Machine: %d cores; batch %d; %.0f s per measurement after a warm-up%n", cores, BATCH, seconds);
    double ssd1 = measure(files, ssd, 1, seconds);
    double ssdAll = measure(files, ssd, cores, seconds);
    double resize1 = measure(files, none, 1, seconds);
    report("decode + flip + ssd_random_crop + resize 300x300, 1 thread", ssd1);
    report("decode + flip + ssd_random_crop + resize 300x300, " + cores + " threads", ssdAll);
    report("decode + resize 300x300 (no augmentation), 1 thread", resize1);
    System.out.printf("Scaling %d threads vs 1: %.2fx%n", cores, ssdAll / ssd1);
    System.out.printf("Target: at least 2x the training step's %.1f images/s = %.1f images/s: %s%n",
        TRAINING_IMAGES_PER_SECOND, 2 * TRAINING_IMAGES_PER_SECOND,
        ssdAll >= 2 * TRAINING_IMAGES_PER_SECOND ? "met" : "NOT met");
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static void report(String what, double imagesPerSecond) {
    System.out.printf("%-70s %7.1f images/s  = %5.2fx training (%.1f images/s)%n", what, imagesPerSecond,
        imagesPerSecond / TRAINING_IMAGES_PER_SECOND, TRAINING_IMAGES_PER_SECOND);
  }

  private static double measure(List<Path> files, ExampleTransform augmentation, int threads, double seconds) {
    PipelineOptions options = PipelineOptions.defaults().withNumThreads(threads).withShuffleBufferSize(64);
    try (InputPipeline p = InputPipeline.builder(files, BATCH).options(options)
        .augmentation(augmentation).resizer(ImageResizers.fixedShape(300, 300, Resize.Method.BILINEAR)).seed(1).open()) {
      long warmUntil = System.nanoTime() + (long) (seconds * 0.2e9);
      while (System.nanoTime() < warmUntil) {
        p.next();
      }
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long n = 0;
      while (System.nanoTime() < end) {
        DetectionBatch b = p.next();
        n += b.batchSize();
      }
      return n / ((System.nanoTime() - start) / 1e9);
    }
  }
}
