package dev.finetune.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import dev.finetune.proto.PreprocessingStep;
import dev.finetune.proto.PreprocessingStep.PreprocessingStepCase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Ties {@link Preprocessor#SUPPORTED} to the switch it guards: every oneof case of the proto is
 * either in SUPPORTED and builds (and runs on an example), or is refused with a message naming it
 * and the supported steps. A case added to the proto or to the switch without the other fails here.
 */
class PreprocessorCoverageTest {
  /** Steps whose all-default message is not a valid step: the smallest valid one. */
  static final Map<PreprocessingStepCase, String> MINIMAL = Map.of(
      PreprocessingStepCase.NORMALIZE_IMAGE, "original_minval: 0 original_maxval: 255",
      PreprocessingStepCase.RANDOM_RESIZE_METHOD, "target_height: 8 target_width: 6",
      PreprocessingStepCase.RESIZE_IMAGE, "new_height: 8 new_width: 6",
      PreprocessingStepCase.SUBTRACT_CHANNEL_MEAN, "means: 1 means: 2 means: 3");

  private static PreprocessingStep step(PreprocessingStepCase kind) throws TextFormat.ParseException {
    String name = Preprocessor.name(kind);
    if (MINIMAL.containsKey(kind)) {
      return TextFormat.parse(name + " { " + MINIMAL.get(kind) + " }", PreprocessingStep.class);
    }
    FieldDescriptor field = PreprocessingStep.getDescriptor().findFieldByNumber(kind.getNumber());
    Message empty = PreprocessingStep.newBuilder().newBuilderForField(field).build();
    return PreprocessingStep.newBuilder().setField(field, empty).build();
  }

  @Test
  void everySupportedStepBuildsAndRuns() throws Exception {
    assertThat(Preprocessor.SUPPORTED).as("SUPPORTED lists real steps")
        .doesNotContain(PreprocessingStepCase.PREPROCESSINGSTEP_NOT_SET).hasSizeGreaterThan(30);
    DetectionExample example = TestExamples.coded(16, 12, 0.1f, 0.1f, 0.6f, 0.5f, 0.3f, 0.2f, 0.9f, 0.8f);
    List<String> failures = new ArrayList<>();
    for (PreprocessingStepCase kind : Preprocessor.SUPPORTED) {
      try {
        ExampleTransform t = Preprocessor.build(step(kind), "step");
        DetectionExample out = t.apply(example, new Random(1));
        assertThat(out).as(Preprocessor.name(kind)).isNotNull();
        assertThat(out.pixels().length).as(Preprocessor.name(kind))
            .isEqualTo(out.height() * out.width() * 3);
      } catch (RuntimeException | AssertionError e) {
        failures.add(Preprocessor.name(kind) + ": " + e);
      }
    }
    assertThat(failures).as("supported steps that do not build or run").isEmpty();
  }

  @Test
  void everyOtherCaseIsRefusedByName() throws Exception {
    int refused = 0;
    for (PreprocessingStepCase kind : PreprocessingStepCase.values()) {
      if (Preprocessor.SUPPORTED.contains(kind)) {
        continue;
      }
      PreprocessingStep s = kind == PreprocessingStepCase.PREPROCESSINGSTEP_NOT_SET
          ? PreprocessingStep.getDefaultInstance() : step(kind);
      String expected = kind == PreprocessingStepCase.PREPROCESSINGSTEP_NOT_SET
          ? "step: empty data augmentation step; set one of: "
          : "step: " + Preprocessor.name(kind) + " is not supported by finetune";
      assertThatThrownBy(() -> Preprocessor.build(s, "step")).as(kind.name())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(expected)
          .hasMessageContaining(Preprocessor.supportedNames());
      refused++;
    }
    assertThat(refused).as("the proto has cases finetune refuses (and NOT_SET)").isGreaterThan(1);
  }
}
