package dev.finetune.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Benchmark (run by scripts/bench_checkpoint_read.sh): writes a ~200 MB checkpoint through
 * TensorFlow (50 float variables of 1M values plus 950 small ones: a 1,000-tensor index), then, in
 * the same run and alternating, reads all its tensors with {@link CheckpointReader} and reads the
 * same data file with two plain sequential reads: (A) into one reused 1 MB buffer, dropping the
 * bytes, the file system's upper bound; (B) into memory ({@code Files.readAllBytes}), which like
 * the reader must also fill fresh memory. Prints the throughputs, the ratios and the time to open
 * and list the 1,000-tensor index.
 */
public final class CheckpointReadBenchmark {
  private static final int BIG = 50;
  private static final int BIG_ELEMENTS = 1 << 20;
  private static final int SMALL = 950;
  private static final int ROUNDS = 7;

  private CheckpointReadBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "/tmp/finetune-bench-ckpt"));
    Path prefix = dir.resolve("model.ckpt-1");
    long t0 = System.nanoTime();
    write(prefix);
    System.out.printf("wrote %s through TensorFlow in %.1f s%n", prefix, (System.nanoTime() - t0) / 1e9);
    Path data = CheckpointReader.dataFile(prefix, 0, 1);
    long bytes = Files.size(data);
    System.out.printf("data file: %.1f MB, index: %.1f KB%n", bytes / 1e6,
        Files.size(CheckpointLocator.index(prefix)) / 1e3);

    double[] plain = new double[ROUNDS];
    double[] plainAll = new double[ROUNDS];
    double[] arrays = new double[ROUNDS];
    double[] tensors = new double[ROUNDS];
    double[] listing = new double[ROUNDS * 5];
    long checksum = 0;
    for (int round = 0; round < ROUNDS; round++) {
      long z = System.nanoTime();
      checksum += Files.readAllBytes(data).length;
      long a = System.nanoTime();
      checksum += plainRead(data);
      long b = System.nanoTime();
      plainAll[round] = (a - z) / 1e9;
      checksum += readAllAsArrays(prefix);
      long c = System.nanoTime();
      checksum += readAllAsTensors(prefix);
      long d = System.nanoTime();
      plain[round] = (b - a) / 1e9;
      arrays[round] = (c - b) / 1e9;
      tensors[round] = (d - c) / 1e9;
    }
    for (int i = 0; i < listing.length; i++) {
      long a = System.nanoTime();
      try (CheckpointReader r = CheckpointReader.open(prefix)) {
        checksum += r.entries().size();
      }
      listing[i] = (System.nanoTime() - a) / 1e6;
    }
    double mb = bytes / 1e6;
    double plainRate = mb / median(plain);
    double plainAllRate = mb / median(plainAll);
    double arrayRate = mb / median(arrays);
    double tensorRate = mb / median(tensors);
    System.out.printf("median of %d rounds, page cache warm (checksum %d)%n", ROUNDS, checksum);
    System.out.printf("  A plain sequential read, 1 MB reused buffer (bytes dropped): %7.0f MB/s%n", plainRate);
    System.out.printf("  B plain sequential read into memory (Files.readAllBytes):   %7.0f MB/s%n", plainAllRate);
    System.out.printf("  CheckpointReader, every tensor as float[] (CRC checked):    %7.0f MB/s"
        + "  ratio %.2f of A, %.2f of B%n", arrayRate, arrayRate / plainRate, arrayRate / plainAllRate);
    System.out.printf("  CheckpointReader, every tensor as a TF tensor (CRC checked):%7.0f MB/s"
        + "  ratio %.2f of A, %.2f of B%n", tensorRate, tensorRate / plainRate, tensorRate / plainAllRate);
    System.out.printf("  open + list the %d-tensor index: first %.1f ms, median %.2f ms%n",
        BIG + SMALL, listing[0], median(listing));
  }

  private static void write(Path prefix) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      for (int i = 0; i < BIG; i++) {
        tf.withName(String.format("FeatureExtractor/big_%02d", i).replace('/', '_'))
            .variable(tf.random.randomUniform(tf.constant(new int[] {BIG_ELEMENTS}), TFloat32.class));
      }
      Ops scope = tf.withSubScope("BoxPredictor");
      for (int i = 0; i < SMALL; i++) {
        scope.withName(String.format("small_%03d", i))
            .variable(tf.random.randomUniform(tf.constant(new int[] {3, 3, 8}), TFloat32.class));
      }
      s.initialize();
      s.save(prefix.toString());
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

  private static long readAllAsArrays(Path prefix) {
    long sum = 0;
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      for (TensorEntry e : r.entries()) {
        float[] v = r.readFloats(e.name());
        sum += v.length + (long) v[0];
      }
    }
    return sum;
  }

  private static long readAllAsTensors(Path prefix) {
    long sum = 0;
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      List<TensorEntry> entries = r.entries();
      for (TensorEntry e : entries) {
        try (Tensor t = r.toTensor(e.name())) {
          sum += t.numBytes() + (t.shape().equals(Shape.scalar()) ? 1 : 0);
        }
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
