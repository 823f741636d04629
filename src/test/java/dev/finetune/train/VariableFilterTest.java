package dev.finetune.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.config.ConfigException;
import dev.finetune.train.VariableFilter.Frozen;
import dev.finetune.train.VariableFilter.Result;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The freeze rules on names only, as model_main.py applies them (re.search, include then exclude). */
class VariableFilterTest {
  /** 105 feature-extractor and 24 box-predictor trainables, like SSD MobileNet V1 pets. */
  static List<String> ssdTrainables() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 105; i++) {
      names.add("FeatureExtractor/MobilenetV1/layer_" + i + "/weights");
    }
    for (int p = 0; p < 6; p++) {
      for (String head : List.of("BoxEncodingPredictor", "ClassPredictor")) {
        names.add("BoxPredictor_" + p + "/" + head + "/weights");
        names.add("BoxPredictor_" + p + "/" + head + "/biases");
      }
    }
    return names;
  }

  @Test
  void noRulesTrainEverything() {
    Result r = VariableFilter.apply(ssdTrainables(), List.of(), List.of());
    assertThat(r.trainable()).hasSize(129);
    assertThat(r.frozen()).isEmpty();
    assertThat(r.warnings()).isEmpty();
    assertThat(r.summary()).isEqualTo("trainable 129/129 variables (no freeze rules)");
  }

  @Test
  void freezeVariablesMatchesAnywhereInTheName() {
    Result r = VariableFilter.apply(ssdTrainables(), List.of(), List.of(".*FeatureExtractor.*"));
    assertThat(r.trainable()).hasSize(24).allMatch(n -> n.startsWith("BoxPredictor_"));
    assertThat(r.frozen()).hasSize(105).allMatch(f -> f.why().equals(
        "freeze_variables \".*FeatureExtractor.*\""));
    assertThat(r.summary()).isEqualTo(
        "trainable 24/129 variables (frozen 105 by freeze_variables \".*FeatureExtractor.*\")");
    // re.search, not re.match: an unanchored middle part matches too.
    Result mid = VariableFilter.apply(ssdTrainables(), List.of(), List.of("MobilenetV1"));
    assertThat(mid.trainable()).hasSize(24);
    Result anchored = VariableFilter.apply(ssdTrainables(), List.of(), List.of("^MobilenetV1"));
    assertThat(anchored.trainable()).hasSize(129);
    assertThat(anchored.unmatchedPatterns()).containsExactly("freeze_variables \"^MobilenetV1\"");
  }

  @Test
  void updateTrainableVariablesKeepsFirstThenFreezeDrops() {
    Result r = VariableFilter.apply(ssdTrainables(), List.of("BoxPredictor"),
        List.of("ClassPredictor/biases"));
    assertThat(r.trainable()).hasSize(18).noneMatch(n -> n.endsWith("ClassPredictor/biases"));
    assertThat(r.frozen()).filteredOn(f -> f.field().equals("update_trainable_variables"))
        .hasSize(105).allMatch(f -> f.pattern() == null);
    assertThat(r.frozen()).filteredOn(f -> f.field().equals("freeze_variables")).hasSize(6);
    assertThat(r.summary()).isEqualTo("trainable 18/129 variables (frozen 105 by matches no"
        + " update_trainable_variables pattern, 6 by freeze_variables \"ClassPredictor/biases\")");
    assertThat(r.isTrainable("BoxPredictor_0/ClassPredictor/weights")).isTrue();
  }

  @Test
  void thePatternThatFrozeEachIsTheFirstMatching() {
    Result r = VariableFilter.apply(List.of("a/x", "b/x", "c/y"), List.of(), List.of("a/", "x"));
    assertThat(r.frozen()).containsExactly(new Frozen("a/x", "freeze_variables", "a/"),
        new Frozen("b/x", "freeze_variables", "x"));
    assertThat(r.trainable()).containsExactly("c/y");
    assertThat(r.unmatchedPatterns()).isEmpty();
  }

  @Test
  void patternsThatMatchNothingAreNamedInAWarning() {
    Result r = VariableFilter.apply(ssdTrainables(), List.of("BoxPredictor", "Nope"),
        List.of("FeatureExtracter"));
    assertThat(r.unmatchedPatterns()).containsExactly("update_trainable_variables \"Nope\"",
        "freeze_variables \"FeatureExtracter\"");
    assertThat(r.warnings().get(0)).contains("\"Nope\"").contains("\"FeatureExtracter\"")
        .contains("match no trainable variable");
  }

  @Test
  void warnsWhereTheApiWouldMatchDifferently() {
    Result r = VariableFilter.apply(ssdTrainables(), List.of(), List.of("biases$"));
    assertThat(r.trainable()).hasSize(117);
    assertThat(r.warnings()).singleElement().asString()
        .contains("\"biases$\" matches 12 variables here")
        .contains("would match 0");
  }

  @Test
  void nothingLeftToTrainIsAConfigErrorNamingThePatterns() {
    assertThatThrownBy(() -> VariableFilter.apply(ssdTrainables(), List.of(), List.of(".*")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("leaves nothing to train: of 129 trainable variables")
        .hasMessageContaining("train_config.freeze_variables \".*\" froze 129")
        .hasMessageContaining("Change or remove freeze_variables");
    assertThatThrownBy(() -> VariableFilter.apply(ssdTrainables(), List.of("Box"),
        List.of("BoxPredictor_[0-2]", "BoxPredictor_[3-5]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("update_trainable_variables \"Box\" kept 24 of them")
        .hasMessageContaining("\"BoxPredictor_[0-2]\" froze 12, \"BoxPredictor_[3-5]\" froze 12");
    assertThatThrownBy(() -> VariableFilter.apply(ssdTrainables(), List.of("Nothing"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("update_trainable_variables \"Nothing\" kept 0 of them")
        .hasMessageContaining("Change or remove update_trainable_variables");
  }

  @Test
  void anInvalidPatternNamesItsField() {
    assertThatThrownBy(() -> VariableFilter.apply(ssdTrainables(), List.of(), List.of("ok", "(")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("train_config.freeze_variables[1]: \"(\" is not a valid regular"
            + " expression");
  }
}
