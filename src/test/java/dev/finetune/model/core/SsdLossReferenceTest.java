package dev.finetune.model.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.Npy;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Our target assignment + loss graph on the API's raw predictions reproduce the API's losses. */
class SsdLossReferenceTest {
  static final double API_LOC = 2.6360585689544678;
  static final double API_CLS = 133.4910888671875;

  @Test
  void reproducesTheApisLosses() throws Exception {
    Npy box = OdapiReference.npy("train_bnfrozen_box_encodings");
    Npy cls = OdapiReference.npy("train_bnfrozen_class_predictions_with_background");
    SsdTargets targets = OdapiReference.assigner().assign(OdapiReference.groundtruth());
    int b = OdapiReference.BATCH;
    int a = OdapiReference.ANCHORS;
    int c = OdapiReference.CLASSES + 1;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> boxIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, 4)));
      Operand<TFloat32> clsIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, c)));
      SsdTargetInputs inputs = SsdTargetInputs.create(tf, b, a, c);
      SsdLoss.Outputs loss = new SsdLoss(OdapiReference.lossSettings(), OdapiReference.anchors(),
          FasterRcnnBoxCoder.standard()).build(tf, boxIn, clsIn, inputs);
      // Every op between the predictions and the losses has a gradient (mining passes only indices).
      org.tensorflow.Output<?>[] grads = g.addGradients(
          tf.math.add(loss.localization(), loss.classification()).asOutput(),
          new org.tensorflow.Output<?>[] {boxIn.asOutput(), clsIn.asOutput()});
      assertThat(loss.localization().op().name()).isEqualTo("Loss/localization_loss");
      assertThat(loss.classification().op().name()).isEqualTo("Loss/classification_loss");
      try (TFloat32 boxT = TFloat32.tensorOf(Shape.of(b, a, 4), DataBuffers.of(box.floats(), true, false));
          TFloat32 clsT = TFloat32.tensorOf(Shape.of(b, a, c), DataBuffers.of(cls.floats(), true, false));
          SsdTargetInputs.Feed feed = inputs.tensorsFor(targets);
          Result r = feed.feedInto(s.runner()).feed(boxIn, boxT).feed(clsIn, clsT)
              .fetch(loss.localization()).fetch(loss.classification()).fetch(grads[0])
              .fetch(grads[1]).run()) {
        TFloat32 clsGrad = (TFloat32) r.get(3);
        // The background logits of image 0 receive gradient through the mined anchors.
        assertThat(clsGrad.shape().asArray()).containsExactly(b, a, c);
        double gradAbsSum = 0;
        for (int i = 0; i < a; i++) {
          gradAbsSum += Math.abs(clsGrad.getFloat(0, i, 0));
        }
        assertThat(gradAbsSum).isGreaterThan(0);
        double loc = ((TFloat32) r.get(0)).getFloat();
        double clsLoss = ((TFloat32) r.get(1)).getFloat();
        System.out.printf("losses: localization %.7f (API %.7f, rel %.2e), classification %.5f "
            + "(API %.5f, rel %.2e); matched anchors %d, %d%n", loc, API_LOC,
            Math.abs(loc - API_LOC) / API_LOC, clsLoss, API_CLS, Math.abs(clsLoss - API_CLS) / API_CLS,
            targets.numMatched()[0], targets.numMatched()[1]);
        // Measured 9.0e-8 and 0 (oneDNN on and off); the API's values are printed to 8 digits.
        assertThat(Math.abs(loc - API_LOC) / API_LOC).isLessThan(1e-6);
        assertThat(Math.abs(clsLoss - API_CLS) / API_CLS).isLessThan(1e-6);
      }
    }
  }
}
