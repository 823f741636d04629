package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TextFormat;
import dev.finetune.data.DetectionBatch;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.RawMomentum;
import dev.finetune.model.TfTestUtil;
import dev.finetune.proto.DetectionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

/**
 * Tiny SSDs (depth multiplier 0.25, 96×96, 2 classes: MobileNet V1, and MobileNet V1 FPN with the
 * weight-shared predictor, multiscale anchors and focal loss) trained with momentum (raw
 * ApplyMomentum, gated on all gradients) on four synthetic images: the loss must fall far below
 * its start and the detections land on the objects.
 */
class SsdOverfitTest {
  static final String CONFIG = SsdOverfitTestConfig.CONFIG;

  static final float LR = 0.01f;
  static final int SIZE = 96;
  static final int BATCH = 4;
  /** One object per image: [ymin, xmin, ymax, xmax] and its class (1 red, 2 blue). */
  static final float[][] BOXES = {
    {0.10f, 0.15f, 0.55f, 0.60f}, {0.40f, 0.35f, 0.90f, 0.85f},
    {0.20f, 0.50f, 0.70f, 0.95f}, {0.05f, 0.05f, 0.45f, 0.50f}
  };
  static final int[] CLASSES = {1, 2, 2, 1};

  @Test
  void lossFallsAndDetectionsLandOnTheObjects() throws Exception {
    overfit(CONFIG, LR);
  }

  /** The same tiny model as SSDLite: MobileNet V2 with depthwise extra layers and predictor. */
  @Test
  void ssdliteMobileNetV2OverfitsToo() throws Exception {
    String ssdlite =
        CONFIG
            .replace("type: \"ssd_mobilenet_v1\"", "type: \"ssd_mobilenet_v2\" use_depthwise: true")
            .replace("kernel_size: 1", "kernel_size: 3 use_depthwise: true");
    assertThat(ssdlite).contains("ssd_mobilenet_v2").contains("kernel_size: 3 use_depthwise: true");
    overfit(ssdlite, LR);
  }

  @Test
  void fpnWithTheWeightSharedPredictorLearnsToo() throws Exception {
    overfit(SsdOverfitTestConfig.FPN_CONFIG, LR);
  }

  private void overfit(String config, float lr) throws Exception {
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(config, b);
    DetectionBatch batch = syntheticBatch();
    try (Graph g = new Graph()) {
      SsdModel model = (SsdModel) ModelBuilder.build(b.build(), g, BATCH, 7);
      Ops tf = Ops.create(g);
      List<Op> train = RawMomentum.build(g, tf, model, lr, 0.9f, slotInitializers);
      train.addAll(model.updateOps());
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        model.initializers().forEach(init::addTarget);
        slotInitializers.forEach(init::addTarget);
        init.run();
        float first = Float.NaN;
        float last = Float.NaN;
        try (var feed = model.feed(batch)) {
          for (int step = 0; step < 150; step++) {
            Session.Runner r = feed.into(s.runner()).fetch(model.totalLoss());
            train.forEach(r::addTarget);
            try (Result res = r.run()) {
              last = TfTestUtil.floats(res.get(0))[0];
            }
            if (step == 0) {
              first = last;
            }
          }
          System.out.printf(config.contains("v2") ? "overfit V2:" : "overfit:");
          System.out.printf(" total loss %.4f at step 0, %.4f after 150 steps%n", first, last);
          assertThat(last).isLessThan(first / 10);
          Session.Runner r = feed.into(s.runner());
          r.fetch(model.detections().get("detection_boxes"));
          r.fetch(model.detections().get("detection_classes"));
          r.fetch(model.detections().get("detection_scores"));
          try (Result res = r.run()) {
            float[] boxes = TfTestUtil.floats(res.get(0));
            float[] classes = TfTestUtil.floats(res.get(1));
            float[] scores = TfTestUtil.floats(res.get(2));
            int per = classes.length / BATCH;
            for (int i = 0; i < BATCH; i++) {
              float[] top = java.util.Arrays.copyOfRange(boxes, i * per * 4, i * per * 4 + 4);
              double iou = iou(top, BOXES[i]);
              System.out.printf(
                  "image %d: top detection class %.0f score %.3f IoU %.3f with the object%n",
                  i, classes[i * per], scores[i * per], iou);
              assertThat(classes[i * per]).isEqualTo(CLASSES[i]);
              assertThat(iou).isGreaterThan(0.5);
            }
          }
        }
      }
    }
  }

  private final List<Op> slotInitializers = new ArrayList<>();

  static DetectionBatch syntheticBatch() {
    Random rnd = new Random(5);
    float[] images = new float[BATCH * SIZE * SIZE * 3];
    float[] boxes = new float[BATCH * 4];
    int[] classes = new int[BATCH];
    float[] weights = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      for (int y = 0; y < SIZE; y++) {
        for (int x = 0; x < SIZE; x++) {
          int o = ((i * SIZE + y) * SIZE + x) * 3;
          float ny = (y + 0.5f) / SIZE;
          float nx = (x + 0.5f) / SIZE;
          boolean inside =
              ny >= BOXES[i][0] && ny < BOXES[i][2] && nx >= BOXES[i][1] && nx < BOXES[i][3];
          float noise = rnd.nextFloat() * 40;
          if (inside) {
            images[o] = CLASSES[i] == 1 ? 220 : 30;
            images[o + 1] = 40;
            images[o + 2] = CLASSES[i] == 1 ? 30 : 220;
          } else {
            images[o] = 100 + noise;
            images[o + 1] = 110 + noise;
            images[o + 2] = 100 + noise;
          }
        }
      }
      System.arraycopy(BOXES[i], 0, boxes, i * 4, 4);
      classes[i] = CLASSES[i];
      weights[i] = 1;
    }
    int[] num = {1, 1, 1, 1};
    return new DetectionBatch(
        BATCH, SIZE, SIZE, 1, images, boxes, classes, weights, num, new String[] {"a", "b", "c", "d"});
  }

  static double iou(float[] a, float[] b) {
    double ih = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
    double iw = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
    double inter = ih * iw;
    double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
    return union > 0 ? inter / union : 0;
  }
}
