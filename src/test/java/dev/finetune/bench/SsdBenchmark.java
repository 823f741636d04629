package dev.finetune.bench;

import com.google.protobuf.TextFormat;
import dev.finetune.data.DetectionBatch;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.RawMomentum;
import dev.finetune.model.ssd.SsdModel;
import dev.finetune.proto.DetectionModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;

/**
 * SSD MobileNet V1 (the stock pets model: 37 classes, 300×300, batch norm training, hard example
 * mining) at batch 8: forward and training-step time, images/s and effective GFLOP/s as a fraction
 * of a 2048×2048 float32 MatMul measured in the same run. Run with scripts/bench_ssd.sh.
 */
public final class SsdBenchmark {
  static final String MODEL =
      """
      ssd {
        num_classes: 37
        image_resizer { fixed_shape_resizer { height: 300 width: 300 } }
        feature_extractor {
          type: "ssd_mobilenet_v1" depth_multiplier: 1.0 min_depth: 16
          conv_hyperparams {
            regularizer { l2_regularizer { weight: 4e-05 } }
            initializer { truncated_normal_initializer { stddev: 0.03 } }
            activation: RELU_6
            batch_norm { decay: 0.9997 center: true scale: true epsilon: 0.001 train: true }
          }
        }
        box_coder { faster_rcnn_box_coder { y_scale: 10 x_scale: 10 height_scale: 5 width_scale: 5 } }
        matcher { argmax_matcher { matched_threshold: 0.5 unmatched_threshold: 0.5
                                   force_match_for_each_row: true } }
        similarity_calculator { iou_similarity {} }
        box_predictor { convolutional_box_predictor {
          conv_hyperparams {
            regularizer { l2_regularizer { weight: 4e-05 } }
            initializer { truncated_normal_initializer { stddev: 0.03 } }
            activation: RELU_6
            batch_norm { decay: 0.9997 center: true scale: true epsilon: 0.001 train: true }
          }
          use_dropout: false kernel_size: 1 box_code_size: 4 } }
        anchor_generator { ssd_anchor_generator { num_layers: 6 min_scale: 0.2 max_scale: 0.95
          aspect_ratios: 1.0 aspect_ratios: 2.0 aspect_ratios: 0.5 aspect_ratios: 3.0
          aspect_ratios: 0.3333 } }
        post_processing {
          batch_non_max_suppression { score_threshold: 1e-8 iou_threshold: 0.6
                                      max_detections_per_class: 100 max_total_detections: 100 }
          score_converter: SIGMOID }
        normalize_loss_by_num_matches: true
        loss {
          localization_loss { weighted_smooth_l1 {} }
          classification_loss { weighted_sigmoid {} }
          hard_example_miner { num_hard_examples: 3000 iou_threshold: 0.99 loss_type: CLASSIFICATION
                               max_negatives_per_positive: 3 }
          classification_weight: 1.0 localization_weight: 1.0
        }
      }
      """;

  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    DetectionModel.Builder proto = DetectionModel.newBuilder();
    TextFormat.merge(MODEL, proto);
    try (Graph g = new Graph()) {
      long t0 = System.nanoTime();
      SsdModel model = (SsdModel) ModelBuilder.build(proto.build(), g, batch, 1);
      long counting = System.nanoTime(); // counting FLOPs reads every op: not part of the build
      double forwardFlops = convFlops(g, false);
      double inferenceFlops = convFlops(g, true);
      t0 += System.nanoTime() - counting;
      Ops tf = Ops.create(g);
      List<Op> init = new ArrayList<>(model.initializers());
      List<Op> step = RawMomentum.build(g, tf, model, 0.004f, 0.9f, init);
      step.addAll(model.updateOps());
      // The peak: one 2048×2048 float32 MatMul, its inputs already in variables.
      Variable<TFloat32> a = tf.variable(Shape.of(2048, 2048), TFloat32.class);
      Variable<TFloat32> b = tf.variable(Shape.of(2048, 2048), TFloat32.class);
      init.add(tf.assign(a, tf.random.randomUniform(tf.constant(new long[] {2048, 2048}), TFloat32.class)));
      init.add(tf.assign(b, tf.random.randomUniform(tf.constant(new long[] {2048, 2048}), TFloat32.class)));
      Op matmul = tf.linalg.matMul(tf.identity(a), tf.identity(b));
      double buildSeconds = (System.nanoTime() - t0) / 1e9;

      try (Session s = new Session(g); var feed = model.feed(randomBatch(batch))) {
        Session.Runner r0 = s.runner();
        init.forEach(r0::addTarget);
        r0.run();
        double matmulS = median(runs * 2, () -> s.runner().addTarget(matmul).run().close());
        double peak = 2.0 * 2048 * 2048 * 2048 / matmulS / 1e9;
        Operand<TFloat32> boxes = model.inferenceForward().boxEncodings();
        Operand<TFloat32> logits = model.inferenceForward().classPredictionsWithBackground();
        double forwardS =
            median(runs, () -> feed.into(s.runner()).fetch(boxes).fetch(logits).run().close());
        double stepS =
            median(
                runs,
                () -> {
                  Session.Runner r = feed.into(s.runner()).fetch(model.totalLoss());
                  step.forEach(r::addTarget);
                  r.run().close();
                });
        double matmulAfterS = median(runs * 2, () -> s.runner().addTarget(matmul).run().close());
        double peakAfter = 2.0 * 2048 * 2048 * 2048 / matmulAfterS / 1e9;
        double peakBest = Math.max(peak, peakAfter);

        double fwdGflops = inferenceFlops / forwardS / 1e9;
        // A training step: forward + backward (input and weight gradients, ~2× the forward).
        double stepGflops = 3 * forwardFlops / stepS / 1e9;
        PrintfOut o = new PrintfOut();
        o.p("SSD MobileNet V1 (37 classes, 300x300), batch %d, %d runs each (median); graph build %.1f s%n",
            batch, runs, buildSeconds);
        o.p("conv FLOPs per batch: forward %.2f GFLOP (%.2f per image)%n", forwardFlops / 1e9,
            forwardFlops / 1e9 / batch);
        o.p("MatMul 2048x2048 float32: %.1f ms = %.0f GFLOP/s before, %.1f ms = %.0f GFLOP/s after"
            + " (peak taken: %.0f)%n", matmulS * 1e3, peak, matmulAfterS * 1e3, peakAfter, peakBest);
        o.p("forward (inference mode, raw predictions): %.0f ms, %.1f images/s, %.0f GFLOP/s = %.0f%% of"
            + " peak%n", forwardS * 1e3, batch / forwardS, fwdGflops, 100 * fwdGflops / peakBest);
        o.p("training step (loss, gradients of %d variables, momentum, %d BN updates): %.0f ms,"
            + " %.1f images/s, %.0f GFLOP/s = %.0f%% of peak%n", model.trainableVariables().size(),
            model.updateOps().size(), stepS * 1e3, batch / stepS, stepGflops,
            100 * stepGflops / peakBest);
        profile(s, feed, step, model);
      }
    }
  }

  /** Where a training step's time goes: op time summed by op type (one traced step). */
  static void profile(Session s, dev.finetune.model.Detector.Feed feed, List<Op> step, SsdModel model) {
    Session.Runner r =
        feed.into(s.runner())
            .fetch(model.totalLoss())
            .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
    step.forEach(r::addTarget);
    Map<String, Long> byType = new HashMap<>();
    try (Result res = r.runAndFetchMetadata()) {
      RunMetadata md = res.getMetadata().orElseThrow();
      StepStats stats = md.getStepStats();
      for (var dev : stats.getDevStatsList()) {
        for (NodeExecStats n : dev.getNodeStatsList()) {
          String label = n.getTimelineLabel();
          String type = label.contains("= ") ? label.substring(label.indexOf("= ") + 2) : n.getNodeName();
          int paren = type.indexOf('(');
          if (paren > 0) {
            type = type.substring(0, paren);
          }
          byType.merge(type, n.getOpEndRelMicros() - n.getOpStartRelMicros(), Long::sum);
        }
      }
    }
    long total = byType.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf(Locale.ROOT, "op time in one traced training step (summed over threads, %d ms):%n",
        total / 1000);
    byType.entrySet().stream()
        .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .limit(12)
        .forEach(e -> System.out.printf(Locale.ROOT, "  %-36s %7.1f ms  %4.1f%%%n", e.getKey(),
            e.getValue() / 1000.0, 100.0 * e.getValue() / total));
  }

  /** Multiply-add FLOPs (2 per MAC) of the Conv2D and depthwise ops of one forward branch. */
  static double convFlops(Graph g, boolean inferenceBranch) {
    double flops = 0;
    boolean hasInferenceBranch = false;
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      if (it.next().name().startsWith("Inference/")) {
        hasInferenceBranch = true;
      }
    }
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      boolean inInference = op.name().startsWith("Inference/");
      if (hasInferenceBranch && inInference != inferenceBranch) {
        continue;
      }
      Shape out = op.numOutputs() > 0 ? op.output(0).shape() : null;
      if (op.type().equals("Conv2D")) {
        Shape w = op.input(1).shape();
        flops += 2.0 * out.size() * w.get(0) * w.get(1) * w.get(2);
      } else if (op.type().equals("DepthwiseConv2dNative")) {
        Shape w = op.input(1).shape();
        flops += 2.0 * out.size() * w.get(0) * w.get(1);
      }
    }
    return flops;
  }


  static DetectionBatch randomBatch(int batch) {
    Random rnd = new Random(1);
    float[] images = new float[batch * 300 * 300 * 3];
    for (int i = 0; i < images.length; i++) {
      images[i] = rnd.nextFloat() * 255;
    }
    int maxBoxes = 2;
    float[] boxes = new float[batch * maxBoxes * 4];
    int[] classes = new int[batch * maxBoxes];
    float[] weights = new float[batch * maxBoxes];
    int[] num = new int[batch];
    String[] ids = new String[batch];
    for (int b = 0; b < batch; b++) {
      for (int k = 0; k < maxBoxes; k++) {
        float y = rnd.nextFloat() * 0.5f;
        float x = rnd.nextFloat() * 0.5f;
        int o = (b * maxBoxes + k) * 4;
        boxes[o] = y;
        boxes[o + 1] = x;
        boxes[o + 2] = y + 0.2f + rnd.nextFloat() * 0.3f;
        boxes[o + 3] = x + 0.2f + rnd.nextFloat() * 0.3f;
        classes[b * maxBoxes + k] = 1 + rnd.nextInt(37);
        weights[b * maxBoxes + k] = 1;
      }
      num[b] = maxBoxes;
      ids[b] = "img" + b;
    }
    return new DetectionBatch(batch, 300, 300, maxBoxes, images, boxes, classes, weights, num, ids);
  }

  interface Body {
    void run() throws Exception;
  }

  /** Median wall time in seconds of {@code n} runs after two warm-up runs. */
  static double median(int n, Body body) throws Exception {
    body.run();
    body.run();
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      long s = System.nanoTime();
      body.run();
      t[i] = (System.nanoTime() - s) / 1e9;
    }
    Arrays.sort(t);
    return t[n / 2];
  }

  static final class PrintfOut {
    void p(String fmt, Object... args) {
      System.out.printf(Locale.ROOT, fmt, args);
    }
  }
}
