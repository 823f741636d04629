package dev.finetune.model.core;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The SSD loss as {@code SSDMetaArch.loss} assembles it, in graph: per-anchor localization and
 * classification losses against the targets fed through {@link SsdTargetInputs}, hard example
 * mining (optional), normalization by the number of matches over the whole batch, and the loss
 * weights, giving {@code Loss/localization_loss} and {@code Loss/classification_loss}.
 */
public final class SsdLoss {

  /**
   * Loss settings ({@code ssd.loss} plus the SSD flags that affect it).
   *
   * @param hardExampleMiner null: no mining, plain sums
   */
  public record Settings(
      LocalizationLoss localizationLoss,
      ClassificationLoss classificationLoss,
      HardExampleMiner hardExampleMiner,
      float classificationWeight,
      float localizationWeight,
      boolean normalizeLossByNumMatches,
      boolean normalizeLocLossByCodesize) {}

  /** The two scalar losses, named {@code Loss/localization_loss} and {@code Loss/classification_loss}. */
  public record Outputs(Operand<TFloat32> localization, Operand<TFloat32> classification) {}

  private final Settings settings;
  private final Anchors anchors;
  private final FasterRcnnBoxCoder boxCoder;

  public SsdLoss(Settings settings, Anchors anchors, FasterRcnnBoxCoder boxCoder) {
    this.settings = settings;
    this.anchors = anchors;
    this.boxCoder = boxCoder;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Builds the loss ops under name scope {@code Loss}.
   *
   * @param boxEncodings [B, A, 4] predicted box codes
   * @param classLogits [B, A, C] class logits, background first
   * @param targets the batch's targets (placeholders of the same B, A, C)
   */
  public Outputs build(Ops tf, Operand<TFloat32> boxEncodings, Operand<TFloat32> classLogits,
      SsdTargetInputs targets) {
    Ops scope = tf.withSubScope("Loss");
    Operand<TFloat32> locPerAnchor = settings.localizationLoss().perAnchor(scope, boxEncodings,
        targets.regTargets, targets.regWeights);
    Operand<TFloat32> clsPerAnchor = settings.classificationLoss().perAnchor(scope, classLogits,
        targets.clsTargets, targets.clsWeights);
    Operand<TFloat32> locSum;
    Operand<TFloat32> clsSum;
    if (settings.hardExampleMiner() != null) {
      Operand<TFloat32> decoded = boxCoder.decode(scope, boxEncodings, anchors);
      HardExampleMiner.Mined mined = settings.hardExampleMiner().mine(scope, locPerAnchor,
          clsPerAnchor, decoded, targets.match);
      locSum = mined.localization();
      clsSum = mined.classification();
    } else {
      Operand<TInt32> all = scope.constant(new int[] {0, 1});
      locSum = scope.reduceSum(locPerAnchor, all, ReduceSum.keepDims(false));
      clsSum = scope.reduceSum(clsPerAnchor, all, ReduceSum.keepDims(false));
    }
    Operand<TFloat32> normalizer = scope.constant(1f);
    if (settings.normalizeLossByNumMatches()) {
      normalizer = scope.math.maximum(
          scope.reduceSum(targets.regWeights, scope.constant(new int[] {0, 1})), scope.constant(1f));
    }
    Operand<TFloat32> locNormalizer = normalizer;
    if (settings.normalizeLocLossByCodesize()) {
      locNormalizer = scope.math.mul(normalizer, scope.constant((float) FasterRcnnBoxCoder.CODE_SIZE));
    }
    Operand<TFloat32> localization = scope.withName("localization_loss").math.mul(
        scope.math.div(scope.constant(settings.localizationWeight()), locNormalizer), locSum);
    Operand<TFloat32> classification = scope.withName("classification_loss").math.mul(
        scope.math.div(scope.constant(settings.classificationWeight()), normalizer), clsSum);
    return new Outputs(localization, classification);
  }
}
