package dev.finetune.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.data.DataException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PascalDetectionEvaluatorTest {
  private static final List<Category> CATS = List.of(new Category(1, "cat"), new Category(2, "dog"));
  private static final String MAP = "PascalBoxes_Precision/mAP@0.5IOU";
  private static final String CAT = "PascalBoxes_PerformanceByCategory/AP@0.5IOU/cat";
  private static final String DOG = "PascalBoxes_PerformanceByCategory/AP@0.5IOU/dog";

  private static Map<String, Double> evaluate(EvalImage... images) {
    PascalDetectionEvaluator e = new PascalDetectionEvaluator(CATS);
    for (EvalImage image : images) {
      e.add(image);
    }
    return e.evaluate();
  }

  @Test
  void namesAndAPerfectDetection() {
    Map<String, Double> r =
        evaluate(Boxes.image("1").gt(1, 10, 10, 50, 50).det(1, 0.9f, 10, 10, 50, 50).build());
    assertThat(r.keySet()).containsExactly(MAP, CAT, DOG);
    assertThat(r.get(CAT)).isEqualTo(1.0);
    assertThat(r.get(DOG)).isNaN(); // no dog ground truth: left out of the mean
    assertThat(r.get(MAP)).isEqualTo(1.0);
  }

  @Test
  void allPointsAreaUnderThePrecisionEnvelope() {
    // Two cats; TP (0.9), FP (0.8), TP (0.7): precision [1, .5, 2/3], recall [.5, .5, 1].
    // Envelope over recall [0, .5, .5, 1, 1]: AP = .5 * 1 + .5 * 2/3 = 5/6 (not 11-point: 0.8181...).
    EvalImage image =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(1, 100, 100, 40, 40)
            .det(1, 0.9f, 0, 0, 40, 40)
            .det(1, 0.8f, 200, 200, 40, 40)
            .det(1, 0.7f, 100, 100, 40, 40)
            .build();
    assertThat(evaluate(image).get(CAT)).isEqualTo(0.5 * 1 + 0.5 * (2.0 / 3));
  }

  @Test
  void difficultBoxesNeitherCountNorPenalize() {
    EvalImage image =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(1, 100, 100, 40, 40, false, true) // difficult
            .det(1, 0.95f, 100, 100, 40, 40) // on the difficult box: ignored, not a TP or FP
            .det(1, 0.9f, 0, 0, 40, 40)
            .build();
    assertThat(evaluate(image).get(CAT)).isEqualTo(1.0);
    // Not difficult: 2 ground truths, both found.
    EvalImage plain =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(1, 100, 100, 40, 40)
            .det(1, 0.9f, 0, 0, 40, 40)
            .build();
    assertThat(evaluate(plain).get(CAT)).isEqualTo(0.5);
    // Only difficult ground truth: the class has no AP and the mean skips it.
    Map<String, Double> onlyDifficult =
        evaluate(
            Boxes.image("1")
                .gt(1, 0, 0, 40, 40)
                .gt(2, 100, 100, 40, 40, false, true)
                .det(1, 0.9f, 0, 0, 40, 40)
                .det(2, 0.9f, 100, 100, 40, 40)
                .build());
    assertThat(onlyDifficult.get(DOG)).isNaN();
    assertThat(onlyDifficult.get(MAP)).isEqualTo(1.0);
  }

  @Test
  void aSecondDetectionOfTheSameBoxIsAFalsePositiveEvenNextToAnotherBox() {
    // Both detections overlap box A best; the second does not fall back to box B although its IoU
    // with B is above .5.
    EvalImage image =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40)
            .gt(1, 10, 0, 40, 40)
            .det(1, 0.9f, 0, 0, 40, 40) // IoU 1 with A, .6 with B
            .det(1, 0.8f, 4, 0, 40, 40) // IoU 36/44 with A, 34/46 with B
            .build();
    // precision [1, .5], recall [.5, .5]: AP = .5
    assertThat(evaluate(image).get(CAT)).isEqualTo(0.5);
  }

  @Test
  void crowdFlagsAreNotReadAndNoDetectionsGiveZero() {
    EvalImage crowd =
        Boxes.image("1")
            .gt(1, 0, 0, 40, 40, true, false)
            .gt(2, 100, 100, 40, 40)
            .det(1, 0.9f, 0, 0, 40, 40)
            .build();
    Map<String, Double> r = evaluate(crowd);
    assertThat(r.get(CAT)).isEqualTo(1.0);
    assertThat(r.get(DOG)).isEqualTo(0.0);
    assertThat(r.get(MAP)).isEqualTo(0.5);
  }

  @Test
  void aRepeatedImageIdIsAnError() {
    PascalDetectionEvaluator e = new PascalDetectionEvaluator(CATS);
    e.add(Boxes.image("7").gt(1, 0, 0, 40, 40).build());
    assertThatThrownBy(() -> e.add(Boxes.image("7").build()))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("image 7 was already added");
    e.clear();
    e.add(Boxes.image("7").build());
  }

  @Test
  void categoryNamesAreNfkdNormalized() {
    PascalDetectionEvaluator e = new PascalDetectionEvaluator(List.of(new Category(1, "ﬁsh")));
    e.add(Boxes.image("1").gt(1, 0, 0, 40, 40).det(1, 0.5f, 0, 0, 40, 40).build());
    assertThat(e.evaluate()).containsEntry("PascalBoxes_PerformanceByCategory/AP@0.5IOU/fish", 1.0);
  }
}
