package dev.finetune.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class CocoDetectionEvaluatorTest {
  private static final List<Category> CATS =
      List.of(new Category(1, "cat"), new Category(2, "dog"), new Category(3, "bird"));
  /** pycocotools' precision of a lone true positive: 1 / (1 + np.spacing(1)). */
  private static final double ONE = 1 / (1 + Math.ulp(1.0));
  /** Means of many ONEs round to within a few ulps of ONE. */
  private static final Offset<Double> ULPS = within(1e-15);

  private static Map<String, Double> evaluate(boolean perCategory, EvalImage... images) {
    CocoDetectionEvaluator e = new CocoDetectionEvaluator(CATS, perCategory, false);
    for (EvalImage image : images) {
      e.add(image);
    }
    return e.evaluate();
  }

  private static double m(Map<String, Double> metrics, String name) {
    Double v = metrics.get("DetectionBoxes_" + name);
    assertThat(v).as(name).isNotNull();
    return v;
  }

  @Test
  void namesAreTheApiNamesInOrder() {
    Map<String, Double> metrics = evaluate(false, Boxes.image("1").gt(1, 10, 10, 50, 50).build());
    assertThat(metrics.keySet())
        .containsExactly(
            "DetectionBoxes_Precision/mAP",
            "DetectionBoxes_Precision/mAP@.50IOU",
            "DetectionBoxes_Precision/mAP@.75IOU",
            "DetectionBoxes_Precision/mAP (small)",
            "DetectionBoxes_Precision/mAP (medium)",
            "DetectionBoxes_Precision/mAP (large)",
            "DetectionBoxes_Recall/AR@1",
            "DetectionBoxes_Recall/AR@10",
            "DetectionBoxes_Recall/AR@100",
            "DetectionBoxes_Recall/AR@100 (small)",
            "DetectionBoxes_Recall/AR@100 (medium)",
            "DetectionBoxes_Recall/AR@100 (large)");
  }

  @Test
  void onePerfectDetectionScoresOne() {
    // 50x50 px = 2500 px²: a medium object.
    Map<String, Double> r =
        evaluate(false, Boxes.image("1").gt(1, 10, 10, 50, 50).det(1, 0.9f, 10, 10, 50, 50).build());
    assertThat(ONE).isEqualTo(0.9999999999999998);
    assertThat(m(r, "Precision/mAP")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "Precision/mAP@.50IOU")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "Precision/mAP@.75IOU")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "Precision/mAP (medium)")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "Precision/mAP (small)")).isEqualTo(-1.0);
    assertThat(m(r, "Precision/mAP (large)")).isEqualTo(-1.0);
    assertThat(m(r, "Recall/AR@1")).isEqualTo(1.0);
    assertThat(m(r, "Recall/AR@100 (medium)")).isEqualTo(1.0);
    assertThat(m(r, "Recall/AR@100 (small)")).isEqualTo(-1.0);
  }

  @Test
  void falsePositiveAboveTruePositiveFollows101PointInterpolation() {
    // Two ground truths; ranked detections TP (0.9), FP (0.8, disjoint), TP (0.7).
    EvalImage image =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(1, 100, 100, 40, 40)
            .det(1, 0.9f, 0, 0, 40, 40)
            .det(1, 0.8f, 200, 200, 40, 40)
            .det(1, 0.7f, 100, 100, 40, 40)
            .build();
    // recall [.5, .5, 1], precision [1, .5, 2/3] → envelope [1, 2/3, 2/3]. Recall thresholds
    // 0, .01, ..., .50 (51 of them) find precision 1 (a lone TP: 1/(1+eps)); .51 ... 1 (50) find 2/3.
    double expected = (51 * ONE + 50 * (2.0 / 3)) / 101;
    Map<String, Double> r = evaluate(false, image);
    assertThat(m(r, "Precision/mAP")).isCloseTo(expected, within(1e-12));
    assertThat(m(r, "Precision/mAP@.50IOU")).isCloseTo(expected, within(1e-12));
    assertThat(m(r, "Recall/AR@100")).isEqualTo(1.0);
    // maxDets truncation: with one detection per image only the 0.9 one counts.
    assertThat(m(r, "Recall/AR@1")).isEqualTo(0.5);
    assertThat(m(r, "Recall/AR@10")).isEqualTo(1.0);
  }

  @Test
  void lowerIouThresholdsOnlyMatchAPartialOverlap() {
    // Detection shifted by 8 px of 40: IoU = 32*40 / (2*1600 - 1280) = 1280/1920 = 2/3.
    // It matches at thresholds .50, .55, .60, .65 (4 of 10): mAP = 0.4 * ONE.
    Map<String, Double> r =
        evaluate(false, Boxes.image("1").gt(1, 0, 0, 40, 40).det(1, 0.9f, 8, 0, 40, 40).build());
    assertThat(m(r, "Precision/mAP")).isCloseTo(0.4 * ONE, within(1e-15));
    assertThat(m(r, "Precision/mAP@.50IOU")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "Precision/mAP@.75IOU")).isEqualTo(0.0);
    assertThat(m(r, "Recall/AR@100")).isCloseTo(0.4, within(1e-15));
  }

  @Test
  void aDetectionInACrowdRegionIsIgnored() {
    Boxes crowd =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(1, 100, 100, 150, 150, true, false)
            .det(1, 0.95f, 110, 110, 30, 30) // inside the crowd: IoU = 900/900 = 1 against it
            .det(1, 0.9f, 0, 0, 40, 40);
    Map<String, Double> r = evaluate(false, crowd.build());
    assertThat(m(r, "Precision/mAP")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "Recall/AR@100")).isEqualTo(1.0);

    // The same region as an ordinary box: the small detection is a false positive ranked first
    // (IoU 900/22500 < .5), and the big box is a missed ground truth.
    Boxes ordinary =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(1, 100, 100, 150, 150)
            .det(1, 0.95f, 110, 110, 30, 30)
            .det(1, 0.9f, 0, 0, 40, 40);
    Map<String, Double> o = evaluate(false, ordinary.build());
    // recall [0, .5], precision [0, .5]: thresholds 0..0.5 (51) give 0.5, the rest 0.
    assertThat(m(o, "Precision/mAP")).isCloseTo(51 * 0.5 / 101, within(1e-12));
    assertThat(m(o, "Recall/AR@100")).isEqualTo(0.5);
  }

  @Test
  void areaRangesUseGroundTruthAreaAndIgnoreUnmatchedDetectionsOfOtherSizes() {
    EvalImage image =
        Boxes.image("1")
            .gt(1, 0, 0, 20, 20) // 400 px²: small
            .gt(1, 100, 100, 120, 120) // 14400 px²: large
            .gt(1, 0, 200, 32, 32) // exactly 1024 px²: small and medium
            .det(1, 0.99f, 30, 30, 50, 50) // 2500 px², matches nothing: FP in all and medium
            .det(1, 0.9f, 0, 0, 20, 20)
            .det(1, 0.8f, 100, 100, 120, 120)
            .det(1, 0.7f, 0, 200, 32, 32)
            .build();
    Map<String, Double> r = evaluate(false, image);
    // small: two TPs (the second precision 2/(2+eps) rounds to 1.0, which the envelope carries back).
    assertThat(m(r, "Precision/mAP (small)")).isEqualTo(1.0);
    // large: one TP; the 0.9 detection matched the small (here ignored) box and is ignored too.
    assertThat(m(r, "Precision/mAP (large)")).isCloseTo(ONE, ULPS);
    // medium: GT only the 32x32 one; detections FP (0.99), then 0.9/0.8 outside the range and
    // unmatched → ignored, then TP (0.7): precision [0, .5] recall [0, 1] → envelope .5 everywhere.
    assertThat(m(r, "Precision/mAP (medium)")).isEqualTo(0.5);
    // all: FP then 3 TP: precision [0, .5, 2/3, 3/4] recall [0, 1/3, 2/3, 1] → envelope 3/4.
    assertThat(m(r, "Precision/mAP")).isEqualTo(0.75);
    assertThat(m(r, "Recall/AR@100 (small)")).isEqualTo(1.0);
    assertThat(m(r, "Recall/AR@100 (medium)")).isEqualTo(1.0);
  }

  @Test
  void aGivenGroundTruthAreaDecidesTheSizeRange() {
    // A 50x50 px box (medium by its box area) whose groundtruth_area says 500 px² (a small
    // segmentation): it counts as small. An area of 0 means "none": the box area is used.
    EvalImage image =
        new EvalImage(
            "1",
            Boxes.SIZE,
            Boxes.SIZE,
            new EvalImage.GroundTruth(
                new float[][] {Boxes.box(0, 0, 50, 50), Boxes.box(100, 100, 50, 50)},
                new int[] {1, 2},
                null,
                null,
                new float[] {500f, 0f}),
            new EvalImage.Detections(
                new float[][] {Boxes.box(0, 0, 50, 50), Boxes.box(100, 100, 50, 50)},
                new float[] {0.9f, 0.8f},
                new int[] {1, 2}));
    CocoDetectionEvaluator e = new CocoDetectionEvaluator(CATS, true, true);
    e.add(image);
    Map<String, Double> r = e.evaluate();
    assertThat(m(r, "Precision/mAP (small) ByCategory/cat")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "Precision/mAP (medium) ByCategory/cat")).isEqualTo(-1.0);
    assertThat(m(r, "Precision/mAP (small) ByCategory/dog")).isEqualTo(-1.0);
    assertThat(m(r, "Precision/mAP (medium) ByCategory/dog")).isCloseTo(ONE, ULPS);
    assertThat(e.dataset().annotations().get(0).area()).isEqualTo(500.0);
    assertThat(e.dataset().annotations().get(1).area()).isEqualTo(2500.0);
  }

  @Test
  void onlyTheTopHundredDetectionsPerImageAndCategoryCount() {
    Boxes b = Boxes.image("1").gt(1, 0, 0, 40, 40);
    for (int i = 0; i < 100; i++) {
      b.det(1, 0.5f + i / 1000f, 200, 200, 10, 10);
    }
    b.det(1, 0.1f, 0, 0, 40, 40); // the only true positive, ranked 101st
    Map<String, Double> r = evaluate(false, b.build());
    assertThat(m(r, "Precision/mAP")).isEqualTo(0.0);
    assertThat(m(r, "Recall/AR@100")).isEqualTo(0.0);
    // A second image holds a perfect detection: the cap is per image, so it counts.
    Map<String, Double> two =
        evaluate(false, b.build(), Boxes.image("2").gt(1, 0, 0, 40, 40).det(1, 0.2f, 0, 0, 40, 40).build());
    assertThat(m(two, "Recall/AR@100")).isEqualTo(0.5);
  }

  @Test
  void categoriesWithoutGroundTruthAreLeftOut() {
    EvalImage image =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .det(1, 0.9f, 0, 0, 40, 40)
            .det(2, 0.95f, 100, 100, 40, 40) // a "dog" detection, but no dog in the ground truth
            .build();
    Map<String, Double> r = evaluate(true, image);
    assertThat(m(r, "Precision/mAP")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "PerformanceByCategory/mAP/cat")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "PerformanceByCategory/mAP/dog")).isEqualTo(-1.0);
    assertThat(m(r, "PerformanceByCategory/mAP/bird")).isEqualTo(-1.0);
  }

  @Test
  void perCategoryMapIsTheCategorysOwnSlice() {
    EvalImage image =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(2, 100, 100, 40, 40)
            .det(1, 0.9f, 0, 0, 40, 40)
            .det(2, 0.9f, 150, 150, 40, 40) // misses the dog
            .build();
    Map<String, Double> r = evaluate(true, image);
    assertThat(m(r, "PerformanceByCategory/mAP/cat")).isCloseTo(ONE, ULPS);
    assertThat(m(r, "PerformanceByCategory/mAP/dog")).isEqualTo(0.0);
    assertThat(m(r, "Precision/mAP")).isCloseTo(ONE / 2, within(1e-15));

    CocoDetectionEvaluator all = new CocoDetectionEvaluator(CATS, true, true);
    all.add(image);
    assertThat(all.evaluate())
        .containsEntry("DetectionBoxes_Recall/AR@100 ByCategory/dog", 0.0)
        .containsEntry("DetectionBoxes_Recall/AR@100 ByCategory/cat", 1.0);
  }

  @Test
  void noDetectionsGivesZeroAndTiesKeepImageOrder() {
    Map<String, Double> r = evaluate(false, Boxes.image("1").gt(1, 0, 0, 40, 40).build());
    assertThat(m(r, "Precision/mAP")).isEqualTo(0.0);
    assertThat(m(r, "Recall/AR@100")).isEqualTo(0.0);

    // Equal scores: image "2" sorts before "10" numerically, so its FP comes first (stable sort).
    EvalImage fp = Boxes.image("2").gt(1, 0, 0, 40, 40).det(1, 0.5f, 200, 200, 40, 40).build();
    EvalImage tp = Boxes.image("10").gt(1, 0, 0, 40, 40).det(1, 0.5f, 0, 0, 40, 40).build();
    // order FP, TP: precision [0, .5], recall [0, .5]: 51 thresholds at .5
    assertThat(m(evaluate(false, tp, fp), "Precision/mAP")).isCloseTo(51 * 0.5 / 101, within(1e-12));
    // As strings "10" < "2": TP first, precision [1, .5] recall [.5, .5] → 51 thresholds at ONE.
    EvalImage fpS = Boxes.image("b").gt(1, 0, 0, 40, 40).det(1, 0.5f, 200, 200, 40, 40).build();
    EvalImage tpS = Boxes.image("a").gt(1, 0, 0, 40, 40).det(1, 0.5f, 0, 0, 40, 40).build();
    assertThat(m(evaluate(false, fpS, tpS), "Precision/mAP")).isCloseTo(51 * ONE / 101, within(1e-12));
  }

  @Test
  void aRepeatedImageIsIgnoredAndClearForgetsAll() {
    CocoDetectionEvaluator e = new CocoDetectionEvaluator(CATS);
    e.add(Boxes.image("1").gt(1, 0, 0, 40, 40).det(1, 0.9f, 0, 0, 40, 40).build());
    e.add(Boxes.image("1").gt(1, 0, 0, 40, 40).build());
    assertThat(e.dataset().images()).hasSize(1);
    assertThat(e.evaluate().get("DetectionBoxes_Precision/mAP")).isCloseTo(ONE, ULPS);
    e.clear();
    assertThat(e.dataset().images()).isEmpty();
    assertThat(e.evaluate().get("DetectionBoxes_Precision/mAP")).isEqualTo(-1.0);
  }

  @Test
  void linspaceMatchesNumpy() {
    // numpy: linspace(.5, .95, 10)[8] == 0.8999999999999999, linspace(0, 1, 101)[35] == 0.35000000000000003
    assertThat(CocoEval.IOU_THRESHOLDS[8]).isEqualTo(0.8999999999999999);
    assertThat(CocoEval.IOU_THRESHOLDS[5]).isEqualTo(0.75);
    assertThat(CocoEval.RECALL_THRESHOLDS[35]).isEqualTo(0.35000000000000003);
    assertThat(CocoEval.RECALL_THRESHOLDS[100]).isEqualTo(1.0);
  }

  @Test
  void pairwiseSumKeepsNumpysOrder() {
    // numpy: np.sum([1e16] + [1.0]*7) == 1.0000000000000006e16; a left-to-right sum gives 1e16.
    double[] a = {1e16, 1, 1, 1, 1, 1, 1, 1};
    assertThat(NumpySum.sum(a, 8)).isEqualTo(1.0000000000000006e16);
  }
}
