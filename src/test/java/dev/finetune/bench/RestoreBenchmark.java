package dev.finetune.bench;

import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.RestoreLoader;
import dev.finetune.checkpoint.RestorePlan;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.ReferenceFixture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;

/**
 * Benchmark (scripts/bench_restore.sh): restores the 199-variable SSD MobileNet V1 pets model from
 * the API's init_ckpt (24 MB) into the project's own graph, with both {@link RestoreLoader} methods,
 * and in the same run, alternating, reads the same data file plainly: (A) into one reused 1 MB
 * buffer, bytes dropped, and (B) into memory ({@code Files.readAllBytes}). Each restore round opens
 * the reader (index) and assigns every variable; CRCs are checked. Prints medians and ratios.
 */
public final class RestoreBenchmark {
  private static final int ROUNDS = 15;

  private RestoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    String fixtures = System.getenv().getOrDefault("FINETUNE_FIXTURES", "../shared/fixtures");
    Path reference = Path.of(fixtures, "odapi_reference");
    Path prefix = args.length > 0 ? Path.of(args[0]) : reference.resolve("init_ckpt");
    Path data = CheckpointReader.dataFile(prefix, 0, 1);
    long bytes = Files.size(data);
    long t0 = System.nanoTime();
    try (Graph g = new Graph()) {
      Detector d = ModelBuilder.build(ReferenceFixture.parseModelBlock(
          Files.readString(reference.resolve("pipeline_effective.config"))), g, 1, 0);
      long t1 = System.nanoTime();
      Map<String, String> all = new LinkedHashMap<>();
      Map<String, Operand<?>> refs = new LinkedHashMap<>();
      for (ModelVariable v : d.variables()) {
        refs.put(v.name(), v.variable());
        if (!v.name().equals("global_step")) {
          all.put(v.name(), v.name());
        }
      }
      List<RestorePlan.Variable> vars = d.variables().stream()
          .map(v -> new RestorePlan.Variable(v.name(), v.shape(), v.dtypeName())).toList();
      RestorePlan plan;
      long p0 = System.nanoTime();
      try (CheckpointReader r = CheckpointReader.open(prefix)) {
        plan = RestorePlan.plan(r, "detection", vars, all, RestorePlan.Options.defaults());
      }
      long p1 = System.nanoTime();
      RestoreLoader feed = RestoreLoader.build(g, plan, refs, RestoreLoader.Method.FEED);
      RestoreLoader restoreV2 = RestoreLoader.build(g, plan, refs, RestoreLoader.Method.RESTORE_V2);
      System.out.printf("model built in %.1f s; plan of %d variables (%d restored) in %.1f ms;"
          + " data file %.1f MB%n", (t1 - t0) / 1e9, plan.entries().size(), plan.restoredCount(),
          (p1 - p0) / 1e6, bytes / 1e6);
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        d.initializers().forEach(init::addTarget);
        long i0 = System.nanoTime();
        init.run().close();
        System.out.printf("initializers: %.0f ms%n", (System.nanoTime() - i0) / 1e6);
        // Warm up: the first run of each restore subgraph pays for graph pruning and kernels.
        long w0 = System.nanoTime();
        load(feed, s, prefix);
        long w1 = System.nanoTime();
        load(restoreV2, s, prefix);
        long w2 = System.nanoTime();
        System.out.printf("first (cold) restore: feed %.0f ms, RestoreV2 %.0f ms%n",
            (w1 - w0) / 1e6, (w2 - w1) / 1e6);
        double[] a = new double[ROUNDS];
        double[] b = new double[ROUNDS];
        double[] f = new double[ROUNDS];
        double[] r = new double[ROUNDS];
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
          long x0 = System.nanoTime();
          sink += plainRead(data);
          long x1 = System.nanoTime();
          sink += Files.readAllBytes(data).length;
          long x2 = System.nanoTime();
          sink += load(feed, s, prefix);
          long x3 = System.nanoTime();
          sink += load(restoreV2, s, prefix);
          long x4 = System.nanoTime();
          a[round] = (x1 - x0) / 1e6;
          b[round] = (x2 - x1) / 1e6;
          f[round] = (x3 - x2) / 1e6;
          r[round] = (x4 - x3) / 1e6;
        }
        double ma = median(a);
        double mb = median(b);
        double mf = median(f);
        double mr = median(r);
        System.out.printf("median of %d rounds, page cache warm (sink %d)%n", ROUNDS, sink);
        System.out.printf("  A plain read, 1 MB reused buffer:         %6.1f ms  (%5.0f MB/s)%n", ma, bytes / 1e3 / ma);
        System.out.printf("  B plain read into memory (readAllBytes):  %6.1f ms  (%5.0f MB/s)%n", mb, bytes / 1e3 / mb);
        System.out.printf("  restore, Java reader + fed Assign (FEED): %6.1f ms  = %.2fx B, %.2fx A%n", mf, mf / mb, mf / ma);
        System.out.printf("  restore, RestoreV2 op + Assign:           %6.1f ms  = %.2fx B, %.2fx A%n", mr, mr / mb, mr / ma);
        System.out.printf("target: restore <= 1.25x a plain read of the same bytes%n");
      }
    }
  }

  private static int load(RestoreLoader loader, Session s, Path prefix) {
    try (CheckpointReader reader = CheckpointReader.open(prefix)) {
      return loader.load(s, reader);
    }
  }

  private static long plainRead(Path data) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long sum = 0;
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ)) {
      while (true) {
        buf.clear();
        int n = ch.read(buf);
        if (n < 0) {
          break;
        }
        sum += n + buf.get(0);
      }
    }
    return sum;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
