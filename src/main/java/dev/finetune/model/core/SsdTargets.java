package dev.finetune.model.core;

/**
 * The SSD training targets of one batch, as the API's {@code batch_assign_targets} computes them:
 * flat row-major arrays ready to feed the loss graph's placeholders ({@link SsdTargetInputs}).
 *
 * @param clsTargets [B, A, C] one-hot class targets, column 0 = background (C = classes + 1)
 * @param clsWeights [B, A] classification weight per anchor (the API tiles it over C; same values)
 * @param regTargets [B, A, 4] box codes of the matched groundtruth, 0 for other anchors
 * @param regWeights [B, A] groundtruth weight of matched anchors, 0 for others
 * @param match [B, A] matched groundtruth index, -1 unmatched (negative), -2 ignored
 * @param numMatched [B] anchors with {@code match >= 0} per image
 */
public record SsdTargets(
    int batchSize,
    int numAnchors,
    int numClassesWithBackground,
    float[] clsTargets,
    float[] clsWeights,
    float[] regTargets,
    float[] regWeights,
    int[] match,
    int[] numMatched) {

  public SsdTargets {
    int ba = batchSize * numAnchors;
    if (clsTargets.length != ba * numClassesWithBackground || clsWeights.length != ba
        || regTargets.length != ba * 4 || regWeights.length != ba || match.length != ba
        || numMatched.length != batchSize) {
      throw new IllegalArgumentException("SsdTargets: array lengths do not match [" + batchSize + ", "
          + numAnchors + ", " + numClassesWithBackground + "]");
    }
  }
}
