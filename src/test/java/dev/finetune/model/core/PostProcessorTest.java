package dev.finetune.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.finetune.Npy;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class PostProcessorTest {

  /** Runs the graph post-processing; returns boxes, scores, classes, num, rawBoxes, rawScores. */
  static float[][] runGraph(PostProcessor pp, float[] box, float[] cls, int b, int a, int c) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> boxIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, 4)));
      Operand<TFloat32> clsIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, c)));
      PostProcessor.Detections d = pp.build(tf, boxIn, clsIn, null);
      assertThat(d.boxes().op().name()).isEqualTo("detection_boxes");
      assertThat(d.classes().op().name()).isEqualTo("detection_classes");
      assertThat(d.numDetections().op().name()).isEqualTo("num_detections");
      try (TFloat32 boxT = TFloat32.tensorOf(Shape.of(b, a, 4), DataBuffers.of(box, true, false));
          TFloat32 clsT = TFloat32.tensorOf(Shape.of(b, a, c), DataBuffers.of(cls, true, false));
          Result r = s.runner().feed(boxIn, boxT).feed(clsIn, clsT).fetch(d.boxes()).fetch(d.scores())
              .fetch(d.classes()).fetch(d.numDetections()).fetch(d.rawBoxes()).fetch(d.rawScores())
              .run()) {
        float[][] out = new float[6][];
        for (int i = 0; i < 6; i++) {
          TFloat32 t = (TFloat32) r.get(i);
          out[i] = new float[(int) t.shape().size()];
          FloatDataBuffer buf = DataBuffers.of(out[i], false, false);
          t.copyTo(buf);
        }
        return out;
      }
    }
  }

  @Test
  void reproducesTheApisDetections() throws Exception {
    Npy box = OdapiReference.npy("train_bnfrozen_box_encodings");
    Npy cls = OdapiReference.npy("train_bnfrozen_class_predictions_with_background");
    int b = 2;
    int a = OdapiReference.ANCHORS;
    int c = OdapiReference.CLASSES + 1;
    PostProcessor pp = new PostProcessor(OdapiReference.postProcessingSettings(), OdapiReference.anchors(), FasterRcnnBoxCoder.standard());
    float[][] out = runGraph(pp, box.floats(), cls.floats(), b, a, c);
    float[] apiBoxes = OdapiReference.npy("infer_detection_boxes").floats();
    float[] apiScores = OdapiReference.npy("infer_detection_scores").floats();
    float[] apiClasses = OdapiReference.npy("infer_detection_classes").floats();
    float[] apiNum = OdapiReference.npy("infer_num_detections").floats();
    float[] apiRawBoxes = OdapiReference.npy("infer_raw_detection_boxes").floats();
    float[] apiRawScores = OdapiReference.npy("infer_raw_detection_scores").floats();
    assertThat(out[3]).containsExactly(apiNum);
    int classMismatches = 0;
    for (int i = 0; i < apiClasses.length; i++) {
      if (out[2][i] - PostProcessor.LABEL_ID_OFFSET != apiClasses[i]) {
        classMismatches++;
      }
    }
    double boxDiff = maxAbsDiff(out[0], apiBoxes);
    double scoreDiff = maxAbsDiff(out[1], apiScores);
    double rawBoxDiff = maxAbsDiff(out[4], apiRawBoxes);
    double rawScoreDiff = maxAbsDiff(out[5], apiRawScores);
    System.out.printf("detections vs API: num %s; class mismatches %d/%d; max |diff| boxes %.2e, "
        + "scores %.2e, raw boxes %.2e, raw scores %.2e%n", java.util.Arrays.toString(out[3]),
        classMismatches, apiClasses.length, boxDiff, scoreDiff, rawBoxDiff, rawScoreDiff);
    assertThat(classMismatches).isZero();
    assertThat(boxDiff).isLessThan(1e-5);
    assertThat(scoreDiff).isLessThan(1e-6);
    assertThat(rawBoxDiff).isLessThan(1e-5);
    assertThat(rawScoreDiff).isLessThan(1e-6);
  }

  @Test
  void graphAgreesWithJavaReference() {
    // 3 classes, 40 random anchors; scores spread so that NMS, thresholds and the total cap all act.
    Random rnd = new Random(7);
    int a = 40;
    int b = 2;
    int c = 4;
    float[] anchorBoxes = new float[a * 4];
    for (int i = 0; i < a; i++) {
      float y = rnd.nextFloat() * 1.2f - 0.1f;
      float x = rnd.nextFloat() * 1.2f - 0.1f;
      float h = 0.05f + rnd.nextFloat() * 0.5f;
      float w = 0.05f + rnd.nextFloat() * 0.5f;
      anchorBoxes[4 * i] = y - h / 2;
      anchorBoxes[4 * i + 1] = x - w / 2;
      anchorBoxes[4 * i + 2] = y + h / 2;
      anchorBoxes[4 * i + 3] = x + w / 2;
    }
    // Anchor 0 lies fully outside the image: clipped to zero area, it must be dropped.
    System.arraycopy(new float[] {1.2f, 1.2f, 1.5f, 1.5f}, 0, anchorBoxes, 0, 4);
    Anchors anchors = new Anchors(anchorBoxes, new int[] {a}, new int[] {1});
    float[] box = new float[b * a * 4];
    float[] cls = new float[b * a * c];
    for (int i = 0; i < box.length; i++) {
      box[i] = (float) rnd.nextGaussian() * 0.5f;
    }
    for (int i = 0; i < cls.length; i++) {
      cls[i] = (float) rnd.nextGaussian() * 2f;
    }
    cls[c + 1] = 9f; // anchor 0 of image 0: the top score of class 0, yet zero area after clipping
    for (PostProcessor.ScoreConverter conv : PostProcessor.ScoreConverter.values()) {
      var settings = new PostProcessor.Settings(conv, 1.5f, conv == PostProcessor.ScoreConverter.IDENTITY
          ? -10f : 0.05f, 0.5f, 7, 12, true);
      PostProcessor pp = new PostProcessor(settings, anchors, FasterRcnnBoxCoder.standard());
      float[][] graph = runGraph(pp, box, cls, b, a, c);
      for (int img = 0; img < b; img++) {
        PostProcessor.ImageDetections ref = pp.reference(
            java.util.Arrays.copyOfRange(box, img * a * 4, (img + 1) * a * 4),
            java.util.Arrays.copyOfRange(cls, img * a * c, (img + 1) * a * c));
        assertThat((int) graph[3][img]).as(conv + " num").isEqualTo(ref.numDetections());
        for (int t = 0; t < 12; t++) {
          assertThat(graph[1][img * 12 + t]).as(conv + " score").isCloseTo(ref.scores()[t], within(1e-5f));
          assertThat(graph[2][img * 12 + t]).as(conv + " class").isEqualTo(ref.classes()[t]);
          for (int q = 0; q < 4; q++) {
            assertThat(graph[0][(img * 12 + t) * 4 + q]).isCloseTo(ref.boxes()[t * 4 + q], within(1e-5f));
          }
        }
      }
    }
  }

  static double maxAbsDiff(float[] x, float[] y) {
    assertThat(x).hasSameSizeAs(y);
    double m = 0;
    for (int i = 0; i < x.length; i++) {
      m = Math.max(m, Math.abs(x[i] - y[i]));
    }
    return m;
  }
}
