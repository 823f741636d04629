package dev.finetune.model.core;

import dev.finetune.model.ssd.SsdAnchorGenerator;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Time of the SSD loss graph (stock pets settings: sigmoid, smooth L1, hard mining 3000 / 0.99 /
 * 3:1) with and without mining, forward and with gradients, and of post-processing; batch 8, 1917
 * anchors, 38 columns. Run with scripts/bench_ssd_loss.sh (-DnumHard=N changes num_hard_examples).
 */
public final class SsdLossBenchmark {
  private SsdLossBenchmark() {}

  public static void main(String[] args) {
    int b = 8;
    int c = 38;
    Anchors anchors = new SsdAnchorGenerator(SsdAnchorGenerator.Settings.stock())
        .generate(new int[][] {{19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}, 300, 300);
    int a = anchors.count();
    Random rnd = new Random(5);
    float[] box = new float[b * a * 4];
    float[] cls = new float[b * a * c];
    for (int i = 0; i < box.length; i++) {
      box[i] = (float) rnd.nextGaussian();
    }
    for (int i = 0; i < cls.length; i++) {
      cls[i] = (float) rnd.nextGaussian() * 2 - 3;
    }
    float[] gt = new float[b * 4 * 4];
    int[] classes = new int[b * 4];
    float[] w = new float[b * 4];
    for (int i = 0; i < b * 4; i++) {
      float y = rnd.nextFloat() * 0.6f;
      float x = rnd.nextFloat() * 0.6f;
      gt[4 * i] = y;
      gt[4 * i + 1] = x;
      gt[4 * i + 2] = y + 0.1f + rnd.nextFloat() * 0.3f;
      gt[4 * i + 3] = x + 0.1f + rnd.nextFloat() * 0.3f;
      classes[i] = 1 + rnd.nextInt(37);
      w[i] = 1;
    }
    int[] num = new int[b];
    java.util.Arrays.fill(num, 4);
    SsdTargets targets = new SsdTargetAssigner(anchors, new ArgMaxMatcher(ArgMaxMatcher.Settings.stock()),
        FasterRcnnBoxCoder.standard(), 37, false, 1f).assign(new dev.finetune.data.DetectionBatch(b, 1, 1,
        4, new float[b * 3], gt, classes, w, num, new String[b]));
    HardExampleMiner miner = new HardExampleMiner(new HardExampleMiner.Settings(Integer.getInteger("numHard", 3000), 0.99f,
        HardExampleMiner.LossType.CLASSIFICATION, 1f, 1f, 3f, 0));
    for (boolean mining : new boolean[] {false, true}) {
      SsdLoss loss = new SsdLoss(new SsdLoss.Settings(new LocalizationLoss.WeightedSmoothL1(1f),
          new ClassificationLoss.WeightedSigmoid(), mining ? miner : null, 1f, 1f, true, false), anchors,
          FasterRcnnBoxCoder.standard());
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Operand<TFloat32> boxIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, 4)));
        Operand<TFloat32> clsIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, c)));
        SsdTargetInputs in = SsdTargetInputs.create(tf, b, a, c);
        SsdLoss.Outputs out = loss.build(tf, boxIn, clsIn, in);
        Output<?>[] grads = g.addGradients(tf.math.add(out.localization(), out.classification())
            .asOutput(), new Output<?>[] {boxIn.asOutput(), clsIn.asOutput()});
        try (TFloat32 bt = TFloat32.tensorOf(Shape.of(b, a, 4), DataBuffers.of(box, true, false));
            TFloat32 ct = TFloat32.tensorOf(Shape.of(b, a, c), DataBuffers.of(cls, true, false));
            var feed = in.tensorsFor(targets)) {
          double ms = time(() -> {
            try (var r = feed.feedInto(s.runner()).feed(boxIn, bt).feed(clsIn, ct)
                .fetch(grads[0]).fetch(grads[1]).fetch(out.classification()).run()) {
              return;
            }
          });
          System.out.printf("loss + gradients, mining %-5s: %.1f ms CPU per batch of %d%n", mining, ms, b);
        }
      }
    }
    PostProcessor pp = new PostProcessor(new PostProcessor.Settings(PostProcessor.ScoreConverter.SIGMOID,
        1f, 1e-8f, 0.6f, 100, 100, true), anchors, FasterRcnnBoxCoder.standard());
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> boxIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, 4)));
      Operand<TFloat32> clsIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, c)));
      PostProcessor.Detections d = pp.build(tf, boxIn, clsIn, null);
      try (TFloat32 bt = TFloat32.tensorOf(Shape.of(b, a, 4), DataBuffers.of(box, true, false));
          TFloat32 ct = TFloat32.tensorOf(Shape.of(b, a, c), DataBuffers.of(cls, true, false))) {
        double ms = time(() -> {
          try (var r = s.runner().feed(boxIn, bt).feed(clsIn, ct).fetch(d.boxes()).fetch(d.scores())
              .fetch(d.classes()).fetch(d.numDetections()).run()) {
            return;
          }
        });
        System.out.printf("post-processing (37 classes, per-class NMS): %.1f ms CPU per batch of %d%n", ms, b);
      }
    }
  }

  /** Process CPU ms per run (all TF threads), printed with wall ms; returns CPU ms. */
  private static double time(Runnable r) {
    for (int i = 0; i < 3; i++) {
      r.run();
    }
    var os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    int reps = 10;
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      r.run();
    }
    double wall = (System.nanoTime() - t0) / 1e6 / reps;
    System.out.printf("    (wall %.1f ms; the machine is shared, CPU time is the cost)%n", wall);
    return (os.getProcessCpuTime() - c0) / 1e6 / reps;
  }
}
