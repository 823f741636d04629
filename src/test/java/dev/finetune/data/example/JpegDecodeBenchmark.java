package dev.finetune.data.example;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * JPEG decode throughput (not a test; run by scripts/bench_jpeg_decode.sh), side by side in one
 * run: ImageIO (the decoder before issue 10), TensorFlow's DecodeJpeg through the one shared graph
 * session ({@link TfJpegDecoder}, what {@link ImageCodec} uses), and DecodeJpeg run eagerly with an
 * EagerSession per thread; each on 1 thread and on all cores, with the process RSS after each.
 *
 * <p>Arguments: [folder of .jpg files (default ../shared/fixtures/ducky/train)] [seconds per
 * measurement (default 8)].
 */
public final class JpegDecodeBenchmark {
  private JpegDecodeBenchmark() {}

  interface Decoder {
    /** Decodes to RGB floats, as the pipeline needs them; returns the value count. */
    int decode(byte[] jpeg) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "../shared/fixtures/ducky/train");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 8;
    List<byte[]> jpegs = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
        jpegs.add(Files.readAllBytes(p));
      }
    }
    RgbImage first = ImageCodec.decode(jpegs.get(0));
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf("%d JPEGs from %s (first %dx%d); %d cores; %.0f s per measurement after a warm-up%n",
        jpegs.size(), dir, first.width(), first.height(), cores, seconds);

    Decoder imageIo = b -> ImageCodec.toRgb(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(b)))
        .pixels().length;
    Decoder shared = b -> TfJpegDecoder.decode(b).pixels().length;
    ThreadLocal<EagerSession> eager = ThreadLocal.withInitial(EagerSession::create);
    Decoder perThreadEager = b -> {
      Ops tf = Ops.create(eager.get());
      try (TString in = TString.tensorOfBytes(NdArrays.scalarOfObject(b))) {
        Operand<TUint8> img = tf.image.decodeJpeg(tf.constantOf(in), DecodeJpeg.channels(3L));
        TUint8 t = img.asTensor();
        byte[] bytes = new byte[(int) t.shape().size()];
        t.asRawTensor().data().read(bytes);
        float[] px = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
          px[i] = bytes[i] & 0xff;
        }
        return px.length;
      }
    };
    for (int threads : new int[] {1, cores}) {
      report("ImageIO", threads, measure(imageIo, jpegs, threads, seconds));
      report("TF DecodeJpeg, one shared Session", threads, measure(shared, jpegs, threads, seconds));
      report("TF DecodeJpeg, EagerSession per thread", threads, measure(perThreadEager, jpegs, threads, seconds));
    }
  }

  private static void report(String what, int threads, double perSecond) throws Exception {
    System.out.printf("%-42s %d thread(s): %6.1f images/s  (RSS now %d MB)%n", what, threads, perSecond, rssMb());
  }

  private static double measure(Decoder d, List<byte[]> jpegs, int threads, double seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      run(d, jpegs, pool, threads, Math.min(2, seconds / 4));
      return run(d, jpegs, pool, threads, seconds);
    } finally {
      pool.shutdown();
    }
  }

  private static double run(Decoder d, List<byte[]> jpegs, ExecutorService pool, int threads, double seconds)
      throws Exception {
    AtomicLong count = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long t0 = System.nanoTime();
    List<Future<?>> jobs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      jobs.add(pool.submit(() -> {
        for (int i = offset; System.nanoTime() < end; i++) {
          d.decode(jpegs.get(i % jpegs.size()));
          count.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : jobs) {
      f.get();
    }
    return count.get() / ((System.nanoTime() - t0) / 1e9);
  }

  private static long rssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
