package dev.finetune.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

class HardExampleMinerTest {

  private static HardExampleMiner miner(int num, float iou, HardExampleMiner.LossType type, float ratio,
      int minNeg) {
    return new HardExampleMiner(new HardExampleMiner.Settings(num, iou, type, 0.5f, 2f, ratio, minNeg));
  }

  @Test
  void selectionByHand() {
    // 6 anchors, far apart (no NMS suppression). cls losses rank them 5,4,3,2,1,0.
    float[] boxes = new float[24];
    for (int i = 0; i < 6; i++) {
      boxes[4 * i] = i;
      boxes[4 * i + 1] = 0;
      boxes[4 * i + 2] = i + 0.5f;
      boxes[4 * i + 3] = 0.5f;
    }
    float[] cls = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
    float[] loc = new float[6];
    int[] match = {0, -1, -2, -1, -1, -1}; // one positive (anchor 0), one ignored (2)
    // Ratio 1: 1 positive → 1 negative: walk 5(neg #1 keep), 4(neg #2 drop), 3 (drop), 2 (ignored,
    // count still 2 > 1: drop), 1 (drop), 0 (positive keep).
    assertThat(miner(0, 0.99f, HardExampleMiner.LossType.CLASSIFICATION, 1f, 0)
        .selectReference(loc, cls, boxes, match)).containsExactly(5, 0);
    // min_negatives_per_image 3 overrides the ratio; the ignored anchor 2 comes while the running
    // negative count is 3 <= 3 and slips through, as in the API (it has weight 0 anyway).
    assertThat(miner(0, 0.99f, HardExampleMiner.LossType.CLASSIFICATION, 1f, 3)
        .selectReference(loc, cls, boxes, match)).containsExactly(5, 4, 3, 2, 0);
    // num_hard_examples 2 cuts before the ratio: the positive is not among the top 2 → 0 positives,
    // max negatives 0: nothing is kept.
    assertThat(miner(2, 0.99f, HardExampleMiner.LossType.CLASSIFICATION, 1f, 0)
        .selectReference(loc, cls, boxes, match)).isEmpty();
    // No ratio: the NMS selection itself.
    assertThat(miner(3, 0.99f, HardExampleMiner.LossType.CLASSIFICATION, 0f, 0)
        .selectReference(loc, cls, boxes, match)).containsExactly(5, 4, 3);
    // BOTH ranks by 0.5·cls + 2·loc.
    float[] loc2 = {1f, 0, 0, 0, 0, 0};
    assertThat(miner(1, 0.99f, HardExampleMiner.LossType.BOTH, 0f, 0)
        .selectReference(loc2, cls, boxes, match)).containsExactly(0);
  }

  @Test
  void nmsInsideMiningDropsOverlappingAnchors() {
    float[] boxes = {0, 0, 1, 1, 0, 0, 1, 1.05f, 2, 2, 3, 3};
    float[] cls = {0.5f, 0.9f, 0.1f};
    int[] match = {-1, -1, -1};
    assertThat(miner(0, 0.5f, HardExampleMiner.LossType.CLASSIFICATION, 0f, 0)
        .selectReference(new float[3], cls, boxes, match)).containsExactly(1, 2);
  }

  @Test
  void graphAgreesWithReferenceAndPassesGradients() {
    Random rnd = new Random(3);
    int b = 2;
    int a = 60;
    float[] loc = new float[b * a];
    float[] cls = new float[b * a];
    float[] boxes = new float[b * a * 4];
    int[] match = new int[b * a];
    for (int i = 0; i < b * a; i++) {
      loc[i] = rnd.nextFloat();
      cls[i] = rnd.nextFloat() * 3;
      float y = rnd.nextFloat();
      float x = rnd.nextFloat();
      float s = 0.1f + rnd.nextFloat() * 0.3f;
      boxes[4 * i] = y;
      boxes[4 * i + 1] = x;
      boxes[4 * i + 2] = y + s;
      boxes[4 * i + 3] = x + s;
      int r = rnd.nextInt(10);
      match[i] = r == 0 ? 0 : r == 1 ? -2 : -1;
      if (i < a && match[i] >= 0) {
        cls[i] += 3; // image 0: positives rank high, so the miner's NMS can stop early
      }
    }
    HardExampleMiner[] miners = {
        miner(25, 0.5f, HardExampleMiner.LossType.CLASSIFICATION, 3f, 0),
        miner(0, 0.7f, HardExampleMiner.LossType.BOTH, 2f, 5),
        miner(10, 0.99f, HardExampleMiner.LossType.LOCALIZATION, 0f, 0),
        miner(0, 0.3f, HardExampleMiner.LossType.CLASSIFICATION, 1f, 2),
        miner(8, 0.3f, HardExampleMiner.LossType.CLASSIFICATION, 0.5f, 0)};
    for (HardExampleMiner m : miners) {
      double expectLoc = 0;
      double expectCls = 0;
      for (int img = 0; img < b; img++) {
        float[] l = java.util.Arrays.copyOfRange(loc, img * a, (img + 1) * a);
        float[] c = java.util.Arrays.copyOfRange(cls, img * a, (img + 1) * a);
        for (int i : m.selectReference(l, c, java.util.Arrays.copyOfRange(boxes, img * a * 4,
            (img + 1) * a * 4), java.util.Arrays.copyOfRange(match, img * a, (img + 1) * a))) {
          expectLoc += l[i];
          expectCls += c[i];
        }
      }
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        // Losses derived from a variable-like input so gradients have somewhere to go.
        Operand<TFloat32> locIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a)));
        Operand<TFloat32> clsIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a)));
        Operand<TFloat32> boxIn = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(b, a, 4)));
        Operand<TInt32> matchIn = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(b, a)));
        Operand<TFloat32> locSq = tf.math.mul(locIn, tf.constant(1f));
        Operand<TFloat32> clsSq = tf.math.mul(clsIn, tf.constant(1f));
        HardExampleMiner.Mined mined = m.mine(tf, locSq, clsSq, boxIn, matchIn);
        Output<?>[] grads = g.addGradients(tf.math.add(mined.localization(), mined.classification())
            .asOutput(), new Output<?>[] {clsIn.asOutput()});
        try (TFloat32 lt = TFloat32.tensorOf(Shape.of(b, a), DataBuffers.of(loc, true, false));
            TFloat32 ct = TFloat32.tensorOf(Shape.of(b, a), DataBuffers.of(cls, true, false));
            TFloat32 bt = TFloat32.tensorOf(Shape.of(b, a, 4), DataBuffers.of(boxes, true, false));
            TInt32 mt = TInt32.tensorOf(Shape.of(b, a), DataBuffers.of(match, true, false));
            Result r = s.runner().feed(locIn, lt).feed(clsIn, ct).feed(boxIn, bt).feed(matchIn, mt)
                .fetch(mined.localization()).fetch(mined.classification()).fetch(grads[0]).run()) {
          assertThat((double) ((TFloat32) r.get(0)).getFloat()).isCloseTo(expectLoc, within(1e-4));
          assertThat((double) ((TFloat32) r.get(1)).getFloat()).isCloseTo(expectCls, within(1e-4));
          TFloat32 grad = (TFloat32) r.get(2);
          double gradSum = 0;
          for (int i = 0; i < b; i++) {
            for (int j = 0; j < a; j++) {
              gradSum += grad.getFloat(i, j);
            }
          }
          // d(sum of kept cls losses)/d cls = 1 on each kept anchor.
          int kept = 0;
          for (int img = 0; img < b; img++) {
            kept += m.selectReference(java.util.Arrays.copyOfRange(loc, img * a, (img + 1) * a),
                java.util.Arrays.copyOfRange(cls, img * a, (img + 1) * a),
                java.util.Arrays.copyOfRange(boxes, img * a * 4, (img + 1) * a * 4),
                java.util.Arrays.copyOfRange(match, img * a, (img + 1) * a)).length;
          }
          assertThat(gradSum).isCloseTo(kept, within(1e-4));
        }
      }
    }
  }
}
