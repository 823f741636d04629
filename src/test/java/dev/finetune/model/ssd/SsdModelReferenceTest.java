package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.data.DetectionBatch;
import dev.finetune.Npy;
import dev.finetune.model.ReferenceFixture;
import dev.finetune.model.TfTestUtil;
import dev.finetune.proto.DetectionModel;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * The whole SSD model (forward, the four losses, post-processing) against the API's numbers for
 * its checkpoint and two photos, batch norm frozen as the API computed them.
 */
class SsdModelReferenceTest {
  /** The duck boxes of robertducky1/2.jpg, [ymin, xmin, ymax, xmax], label id 1. */
  static final float[][] BOXES = {{0.436f, 0.591f, 0.629f, 0.712f}, {0.539f, 0.583f, 0.730f, 0.710f}};

  static final Map<String, Double> API_LOSSES =
      Map.of(
          "Loss/localization_loss", 2.6360586,
          "Loss/classification_loss", 133.49109,
          "Loss/regularization_loss", 0.43853039,
          "Loss/total_loss", 136.56569);

  /**
   * Relative bounds on |ours - API| / API per loss: measured (oneDNN on / off) localization
   * 1.9e-6 / 6.5e-7, classification 2.2e-7 / 4.7e-7, regularization 5.8e-8 / 5.8e-8, total
   * 2.2e-7 / 4.5e-7; each bound about twice to three times the larger.
   */
  static final Map<String, Double> LOSS_TOLERANCE =
      Map.of(
          "Loss/localization_loss", 5e-6,
          "Loss/classification_loss", 1e-6,
          "Loss/regularization_loss", 2e-7,
          "Loss/total_loss", 1e-6);

  @Test
  void lossesAndDetectionsEqualTheApis() throws IOException {
    DetectionModel proto = SsdModelReferenceTestSupport.frozenBatchNorm(ReferenceFixture.model());
    try (Graph g = new Graph()) {
      SsdModel model = (SsdModel) dev.finetune.model.builder.ModelBuilder.build(proto, g, 2, 1);
      assertThat(model.updateOps()).isEmpty();
      for (String name :
          List.of("Loss/localization_loss", "Loss/classification_loss", "Loss/regularization_loss",
              "Loss/total_loss", "detection_boxes", "detection_scores", "detection_classes",
              "num_detections", "image_tensor")) {
        assertThat(g.operation(name)).as(name).isNotNull();
      }
      Npy input = ReferenceFixture.npy("train_bnfrozen_preprocessed_inputs.npy");
      DetectionBatch batch =
          new DetectionBatch(
              2, 300, 300, 1, new float[2 * 300 * 300 * 3],
              new float[] {
                BOXES[0][0], BOXES[0][1], BOXES[0][2], BOXES[0][3],
                BOXES[1][0], BOXES[1][1], BOXES[1][2], BOXES[1][3]
              },
              new int[] {1, 1}, new float[] {1, 1}, new int[] {1, 1}, new String[] {"1", "2"});
      try (Session s = new Session(g);
          TFloat32 x = TfTestUtil.tensor(input.shape(), input.floats());
          var feed = model.feed(batch)) {
        TfTestUtil.restore(
            s, org.tensorflow.op.Ops.create(g),
            model.variables().stream().filter(v -> !v.name().equals("global_step")).toList(),
            ReferenceFixture.dir().resolve("init_ckpt").toString());
        Session.Runner r = feed.into(s.runner()).feed(model.preprocessedInputs(), x);
        List<String> lossNames = List.copyOf(model.losses().keySet());
        lossNames.forEach(n -> r.fetch(model.losses().get(n)));
        List<String> detNames =
            List.of("detection_boxes", "detection_scores", "detection_classes", "num_detections");
        detNames.forEach(n -> r.fetch(model.detections().get(n)));
        try (Result res = r.run()) {
          for (int i = 0; i < lossNames.size(); i++) {
            String n = lossNames.get(i);
            double got = TfTestUtil.floats(res.get(i))[0];
            double rel = Math.abs(got - API_LOSSES.get(n)) / API_LOSSES.get(n);
            System.out.printf(
                Locale.ROOT, "%-28s %.7f vs API %.7f  relative %.3g%n", n, got, API_LOSSES.get(n), rel);
            assertThat(rel).as(n).isLessThan(LOSS_TOLERANCE.get(n));
          }
          float[] boxes = TfTestUtil.floats(res.get(4));
          float[] scores = TfTestUtil.floats(res.get(5));
          float[] classes = TfTestUtil.floats(res.get(6));
          float[] num = TfTestUtil.floats(res.get(7));
          float[] refBoxes = ReferenceFixture.npy("infer_detection_boxes.npy").floats();
          float[] refScores = ReferenceFixture.npy("infer_detection_scores.npy").floats();
          float[] refClasses = ReferenceFixture.npy("infer_detection_classes.npy").floats();
          float[] refNum = ReferenceFixture.npy("infer_num_detections.npy").floats();
          assertThat(num).containsExactly(refNum);
          // The API's classes are 0-based; ours are label-map ids.
          int sameClass = 0;
          for (int i = 0; i < classes.length; i++) {
            sameClass += classes[i] == refClasses[i] + 1 ? 1 : 0;
          }
          System.out.printf(
              Locale.ROOT, "detection_boxes max|diff| %.3g, detection_scores max|diff| %.3g,"
                  + " detection_classes equal for %d of %d%n",
              TfTestUtil.maxAbsDiff(boxes, refBoxes), TfTestUtil.maxAbsDiff(scores, refScores),
              sameClass, classes.length);
          assertThat(sameClass).isEqualTo(classes.length);
          // Measured (oneDNN on / off): boxes 5.1e-6 / 4.4e-6, scores 1.2e-5 / 7.0e-6.
          assertThat(TfTestUtil.maxAbsDiff(boxes, refBoxes)).isLessThan(2e-5);
          assertThat(TfTestUtil.maxAbsDiff(scores, refScores)).isLessThan(3e-5);
        }
      }
    }
  }
}
