package dev.finetune.model.core;

import dev.finetune.data.DetectionBatch;
import dev.finetune.model.ssd.SsdAnchorGenerator;
import java.util.Random;

/**
 * Speed of the input-side SSD work per batch: target assignment for 300×300 (1917 anchors), batch 8,
 * 37 classes, 1 / 5 / 20 boxes per image. Run with scripts/bench_ssd_targets.sh.
 */
public final class SsdCoreBenchmark {
  private SsdCoreBenchmark() {}

  public static void main(String[] args) {
    int batch = 8;
    Anchors anchors = new SsdAnchorGenerator(SsdAnchorGenerator.Settings.stock())
        .generate(new int[][] {{19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}, 300, 300);
    SsdTargetAssigner assigner = new SsdTargetAssigner(anchors,
        new ArgMaxMatcher(ArgMaxMatcher.Settings.stock()), FasterRcnnBoxCoder.standard(), 37, false, 1f);
    Random rnd = new Random(1);
    System.out.printf("SSD target assignment, %d anchors, batch %d, 37 classes%n", anchors.count(), batch);
    for (int boxesPerImage : new int[] {1, 5, 20}) {
      float[] boxes = new float[batch * boxesPerImage * 4];
      int[] classes = new int[batch * boxesPerImage];
      float[] weights = new float[batch * boxesPerImage];
      for (int i = 0; i < classes.length; i++) {
        float y = rnd.nextFloat() * 0.7f;
        float x = rnd.nextFloat() * 0.7f;
        boxes[4 * i] = y;
        boxes[4 * i + 1] = x;
        boxes[4 * i + 2] = y + 0.05f + rnd.nextFloat() * 0.25f;
        boxes[4 * i + 3] = x + 0.05f + rnd.nextFloat() * 0.25f;
        classes[i] = 1 + rnd.nextInt(37);
        weights[i] = 1f;
      }
      int[] num = new int[batch];
      java.util.Arrays.fill(num, boxesPerImage);
      DetectionBatch b = new DetectionBatch(batch, 1, 1, boxesPerImage, new float[batch * 3], boxes,
          classes, weights, num, new String[batch]);
      for (int i = 0; i < 200; i++) {
        assigner.assign(b);
      }
      int reps = 500;
      var bean = java.lang.management.ManagementFactory.getThreadMXBean();
      long c0 = bean.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      long matched = 0;
      for (int i = 0; i < reps; i++) {
        matched += assigner.assign(b).numMatched()[0];
      }
      double ms = (System.nanoTime() - t0) / 1e6 / reps;
      double cpuMs = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
      // CPU time is what the assignment costs; wall time also counts waiting for a shared core.
      System.out.printf("  %2d boxes/image: %.3f ms CPU, %.3f ms wall per batch (%d matched anchors"
          + " in image 0)%n", boxesPerImage, cpuMs, ms, matched / reps);
    }
  }
}
