package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.List;
import java.util.Random;

/**
 * Scratch timing (not a test): single-thread cost per 640 x 480 image of the stock SSD chain
 * (horizontal flip, ssd_random_crop, fixed 300 x 300 bilinear resize) and of the colour steps.
 * Run: java -cp target/classes:target/test-classes:$(cat target/classpath.txt) \
 *   dev.finetune.data.augment.AugmentThroughput
 */
public final class AugmentThroughput {
  private AugmentThroughput() {}

  public static void main(String[] args) {
    Random init = new Random(1);
    float[] pixels = new float[480 * 640 * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = init.nextInt(256);
    }
    float[] boxes = {0.1f, 0.1f, 0.5f, 0.4f, 0.3f, 0.5f, 0.9f, 0.95f, 0.6f, 0.2f, 0.8f, 0.3f};
    DetectionExample ex = TestExamples.withBoxes(480, 640, pixels, boxes);
    ExampleTransform resize = ImageResizers.fixedShape(300, 300, Resize.Method.BILINEAR);
    ExampleTransform ssd = new RandomHorizontalFlip(0.5f)
        .andThen(new SsdRandomCrop(SsdRandomCrop.DEFAULT_OPERATIONS)).andThen(resize);
    ExampleTransform colour = new PixelSteps.RandomAdjustHue(0.02f)
        .andThen(new PixelSteps.RandomAdjustContrast(0.8f, 1.25f))
        .andThen(new PixelSteps.RandomAdjustSaturation(0.8f, 1.25f))
        .andThen(new PixelSteps.RandomAdjustBrightness(0.2f));
    for (var entry : List.of(
        java.util.Map.entry("flip + ssd_random_crop + resize 300x300", ssd),
        java.util.Map.entry("resize 300x300 only", resize),
        java.util.Map.entry("hue + contrast + saturation + brightness (640x480)", colour))) {
      time(entry.getKey(), entry.getValue(), ex, 50);
      time(entry.getKey(), entry.getValue(), ex, 400);
    }
  }

  private static void time(String name, ExampleTransform t, DetectionExample ex, int n) {
    long start = System.nanoTime();
    long sink = 0;
    for (int i = 0; i < n; i++) {
      sink += t.apply(ex, new Random(i)).height();
    }
    double ms = (System.nanoTime() - start) / 1e6 / n;
    System.out.printf("%-55s %7.2f ms/image  %7.1f images/s (1 thread)  [%d]%n", name, ms,
        1000 / ms, sink % 7);
  }
}
