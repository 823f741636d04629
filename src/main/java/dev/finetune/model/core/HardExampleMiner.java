package dev.finetune.model.core;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.image.NonMaxSuppression;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The API's {@code hard_example_miner} ({@code losses.HardExampleMiner}), per image:
 *
 * <ol>
 *   <li>score each anchor by its loss (cls, loc, or cls·cls_weight + loc·loc_weight);
 *   <li>NMS on the predicted (decoded) boxes by that score, at most {@code num_hard_examples} (0: all),
 *       IoU threshold {@code iou_threshold}, no score threshold;
 *   <li>with {@code max_negatives_per_positive > 0}: keep every positive ({@code match >= 0}) of the
 *       selection and, walking it in order, negatives ({@code match == -1}) while their running count
 *       is {@code <= max(min_negatives_per_image, int(ratio · positives))};
 *   <li>sum the localization and classification losses of the kept anchors.
 * </ol>
 *
 * The graph version unrolls images over the static batch size; only integer indices flow out of
 * NMS, so gradients reach the losses through a Gather.
 */
public final class HardExampleMiner {

  /** Which per-anchor loss ranks the anchors. */
  public enum LossType { BOTH, CLASSIFICATION, LOCALIZATION }

  /**
   * @param numHardExamples 0: every anchor that survives NMS
   * @param maxNegativesPerPositive 0: no ratio cap
   */
  public record Settings(
      int numHardExamples,
      float iouThreshold,
      LossType lossType,
      float clsLossWeight,
      float locLossWeight,
      float maxNegativesPerPositive,
      int minNegativesPerImage) {}

  private final Settings settings;

  public HardExampleMiner(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Mined sums of the two losses over the batch. */
  public record Mined(Operand<TFloat32> localization, Operand<TFloat32> classification) {}

  /**
   * Graph mining.
   *
   * @param locLosses [B, A]
   * @param clsLosses [B, A] (classes already summed)
   * @param decodedBoxes [B, A, 4] predicted boxes
   * @param match [B, A]
   */
  public Mined mine(Ops tf, Operand<TFloat32> locLosses, Operand<TFloat32> clsLosses,
      Operand<TFloat32> decodedBoxes, Operand<TInt32> match) {
    int batch = (int) locLosses.shape().get(0);
    int anchors = (int) locLosses.shape().get(1);
    var loc = tf.unstack(locLosses, (long) batch).output();
    var cls = tf.unstack(clsLosses, (long) batch).output();
    var boxes = tf.unstack(tf.stopGradient(decodedBoxes), (long) batch).output();
    var matches = tf.unstack(match, (long) batch).output();
    int maxOut = settings.numHardExamples() > 0 ? Math.min(settings.numHardExamples(), anchors)
        : anchors;
    List<Operand<TFloat32>> locSums = new ArrayList<>();
    List<Operand<TFloat32>> clsSums = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      Operand<TFloat32> scores = switch (settings.lossType()) {
        case CLASSIFICATION -> cls.get(b);
        case LOCALIZATION -> loc.get(b);
        case BOTH -> tf.math.add(tf.math.mul(cls.get(b), tf.constant(settings.clsLossWeight())),
            tf.math.mul(loc.get(b), tf.constant(settings.locLossWeight())));
      };
      Operand<TFloat32> ranking = tf.stopGradient(scores);
      Operand<TInt32> maxOutput = settings.maxNegativesPerPositive() > 0f
          ? boundedSelection(tf, ranking, matches.get(b), maxOut) : tf.constant(maxOut);
      NonMaxSuppression<TFloat32> nms = tf.image.nonMaxSuppression(boxes.get(b), ranking, maxOutput,
          tf.constant(settings.iouThreshold()), tf.constant(Float.NEGATIVE_INFINITY),
          tf.constant(0f), NonMaxSuppression.padToMaxOutputSize(true));
      Operand<TInt32> indices = nms.selectedIndices();
      Operand<TBool> valid = tf.math.less(tf.range(tf.constant(0), maxOutput, tf.constant(1)),
          nms.validOutputs());
      Operand<TBool> keep = valid;
      if (settings.maxNegativesPerPositive() > 0f) {
        Operand<TInt32> m = tf.gather(matches.get(b), indices, tf.constant(0));
        Operand<TBool> positive = tf.math.logicalAnd(valid, tf.math.greaterEqual(m, tf.constant(0)));
        Operand<TBool> negative = tf.math.logicalAnd(valid, tf.math.equal(m, tf.constant(-1)));
        Operand<TInt32> numPositives = tf.reduceSum(tf.dtypes.cast(positive, TInt32.class),
            tf.constant(0));
        Operand<TInt32> maxNegatives = tf.math.maximum(tf.constant(settings.minNegativesPerImage()),
            tf.dtypes.cast(tf.math.mul(tf.constant(settings.maxNegativesPerPositive()),
                tf.dtypes.cast(numPositives, TFloat32.class)), TInt32.class));
        Operand<TInt32> negativesSoFar = tf.math.cumsum(tf.dtypes.cast(negative, TInt32.class),
            tf.constant(0));
        keep = tf.math.logicalAnd(valid, tf.math.logicalOr(positive,
            tf.math.lessEqual(negativesSoFar, maxNegatives)));
      }
      Operand<TFloat32> keepF = tf.dtypes.cast(keep, TFloat32.class);
      locSums.add(tf.reduceSum(tf.math.mul(tf.gather(loc.get(b), indices, tf.constant(0)), keepF),
          tf.constant(0)));
      clsSums.add(tf.reduceSum(tf.math.mul(tf.gather(cls.get(b), indices, tf.constant(0)), keepF),
          tf.constant(0)));
    }
    return new Mined(
        tf.reduceSum(tf.stack(locSums), tf.constant(0), ReduceSum.keepDims(false)),
        tf.reduceSum(tf.stack(clsSums), tf.constant(0), ReduceSum.keepDims(false)));
  }

  /**
   * How many NMS selections the ratio rule can look at, so NMS can stop early with the same result.
   * Greedy NMS capped at M returns exactly the first M selections. Two things matter: (1) every
   * positive's fate, and all positives rank at or above R = #{scores >= lowest positive score}, so
   * NMS must process R candidates, which a cap of R guarantees; (2) the negatives the ratio keeps,
   * which all lie in the first maxNegBound + positives + ignored + 1 selections (past that many,
   * more than maxNeg negatives precede). Early in training positives have high losses and R is
   * small: NMS costs O(M²) instead of O(anchors²) per image.
   */
  private Operand<TInt32> boundedSelection(Ops tf, Operand<TFloat32> scores, Operand<TInt32> match,
      int cap) {
    Operand<TInt32> zero = tf.constant(0);
    Operand<TBool> positive = tf.math.greaterEqual(match, zero);
    Operand<TInt32> numPositive = tf.reduceSum(tf.dtypes.cast(positive, TInt32.class), zero);
    Operand<TInt32> numIgnored = tf.reduceSum(tf.dtypes.cast(
        tf.math.equal(match, tf.constant(ArgMaxMatcher.IGNORED)), TInt32.class), zero);
    Operand<TFloat32> lowestPositive = tf.min(tf.select(positive, scores,
        tf.fill(tf.shape(scores), tf.constant(Float.POSITIVE_INFINITY))), zero);
    Operand<TInt32> rank = tf.reduceSum(tf.dtypes.cast(tf.math.greaterEqual(scores, lowestPositive),
        TInt32.class), zero);
    Operand<TInt32> maxNegBound = tf.math.maximum(tf.constant(settings.minNegativesPerImage()),
        tf.dtypes.cast(tf.math.mul(tf.constant(settings.maxNegativesPerPositive()),
            tf.dtypes.cast(numPositive, TFloat32.class)), TInt32.class));
    Operand<TInt32> prefix = tf.math.add(tf.math.add(maxNegBound, numPositive),
        tf.math.add(numIgnored, tf.constant(1)));
    return tf.math.minimum(tf.constant(cap), tf.math.maximum(rank, prefix));
  }

  /**
   * Pure-Java reference: the anchors kept for one image, in selection order.
   *
   * @param locLosses [A], clsLosses [A], decodedBoxes [A, 4], match [A]
   */
  public int[] selectReference(float[] locLosses, float[] clsLosses, float[] decodedBoxes,
      int[] match) {
    int anchors = locLosses.length;
    float[] scores = new float[anchors];
    for (int a = 0; a < anchors; a++) {
      scores[a] = switch (settings.lossType()) {
        case CLASSIFICATION -> clsLosses[a];
        case LOCALIZATION -> locLosses[a];
        case BOTH -> clsLosses[a] * settings.clsLossWeight() + locLosses[a] * settings.locLossWeight();
      };
    }
    int maxOut = settings.numHardExamples() > 0 ? settings.numHardExamples() : anchors;
    int[] selected = GreedyNms.select(decodedBoxes, scores, maxOut,
        settings.iouThreshold(), Float.NEGATIVE_INFINITY);
    if (settings.maxNegativesPerPositive() <= 0f) {
      return selected;
    }
    int positives = 0;
    for (int i : selected) {
      if (match[i] >= 0) {
        positives++;
      }
    }
    int maxNegatives = Math.max(settings.minNegativesPerImage(),
        (int) (settings.maxNegativesPerPositive() * (float) positives));
    int negatives = 0;
    int[] kept = new int[selected.length];
    int count = 0;
    for (int i : selected) {
      if (match[i] == ArgMaxMatcher.UNMATCHED) {
        negatives++;
      }
      if (match[i] >= 0 || negatives <= maxNegatives) {
        kept[count++] = i;
      }
    }
    return java.util.Arrays.copyOf(kept, count);
  }
}
