package dev.finetune.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.data.DataException;
import dev.finetune.preflight.Preflight;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigLoaderTest {
  /** A small SSD config in the shape of the stock ones (old single eval_input_reader). */
  static final String SSD = """
      # comment lines are allowed, as in the stock configs
      model {
        ssd {
          num_classes: 3
          image_resizer { fixed_shape_resizer { height: 300 width: 300 } }
          feature_extractor { type: "ssd_mobilenet_v1" depth_multiplier: 1.0 min_depth: 16 }
        }
      }
      train_config {
        batch_size: 24
        optimizer {
          rms_prop_optimizer {
            learning_rate {
              exponential_decay_learning_rate {
                initial_learning_rate: 0.004
                decay_steps: 800720
                decay_factor: 0.95
              }
            }
            momentum_optimizer_value: 0.9
            decay: 0.9
            epsilon: 1.0
          }
        }
        fine_tune_checkpoint: "PATH_TO_BE_CONFIGURED/model.ckpt"
        from_detection_checkpoint: true
        num_steps: 200000
        data_augmentation_options { random_horizontal_flip { } }
        data_augmentation_options { ssd_random_crop { } }
      }
      train_input_reader {
        tf_record_input_reader { input_path: "PATH_TO_BE_CONFIGURED/pet_faces_train.record-?????-of-00010" }
        label_map_path: "PATH_TO_BE_CONFIGURED/pet_label_map.pbtxt"
      }
      eval_config { num_examples: 1101 }
      eval_input_reader {
        tf_record_input_reader { input_path: "PATH_TO_BE_CONFIGURED/pet_faces_val.record-?????-of-00010" }
        label_map_path: "PATH_TO_BE_CONFIGURED/pet_label_map.pbtxt"
        shuffle: false
        num_readers: 1
      }
      """;

  static PipelineConfig parse(String text, String... overrides) {
    return PipelineConfigLoader.parse(text, Path.of("pipeline.config"), List.of(overrides), null);
  }

  @Test
  void parsesStockShapedConfigAndResolvesDeprecatedCheckpointFlag() {
    PipelineConfig c = parse(SSD);
    TrainEvalPipelineConfig p = c.proto();
    assertThat(c.isValid()).as(c.problems().toString()).isTrue();
    assertThat(p.getModel().getSsd().getNumClasses()).isEqualTo(3);
    assertThat(p.getEvalInputReaderCount()).isEqualTo(1);
    assertThat(p.getTrainConfig().getFineTuneCheckpointType()).isEqualTo("detection");
    assertThat(c.warnings()).anySatisfy(w -> assertThat(w)
        .contains("train_config.from_detection_checkpoint is deprecated")
        .contains("fine_tune_checkpoint_type"));
    assertThat(Preflight.missingPaths(c)).hasSize(5).allSatisfy(m -> assertThat(m).contains("PATH_TO_BE_CONFIGURED"));
    assertThat(Preflight.missingPaths(c).get(0)).startsWith("pipeline.config:");
  }

  @Test
  void emptyCheckpointTypeWithoutFlagIsClassification() {
    PipelineConfig c = parse(SSD.replace("from_detection_checkpoint: true", ""));
    assertThat(c.proto().getTrainConfig().getFineTuneCheckpointType()).isEqualTo("classification");
    assertThat(c.warnings()).noneMatch(w -> w.contains("from_detection_checkpoint"));
  }

  @Test
  void repeatedEvalInputReaderAccepted() {
    String twoReaders = SSD + """
        eval_input_reader { label_map_path: "b.pbtxt" tf_record_input_reader { input_path: "b" } }
        """;
    assertThat(parse(twoReaders).proto().getEvalInputReaderCount()).isEqualTo(2);
  }

  @Test
  void misspelledFieldNamesLineColumnAndNearestName() {
    String typo = SSD.replace("from_detection_checkpoint: true", "fine_tune_checkpoint_typ: \"detection\"");
    int line = lineOf(typo, "fine_tune_checkpoint_typ:");
    assertThatThrownBy(() -> parse(typo))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pipeline.config:" + line + ":3")
        .hasMessageContaining("unknown field \"fine_tune_checkpoint_typ\" in TrainConfig")
        .hasMessageContaining("Did you mean \"fine_tune_checkpoint_type\"");
  }

  @Test
  void unknownEnumValueListsValidOnes() {
    String bad = SSD.replace("fixed_shape_resizer { height: 300 width: 300 }",
        "fixed_shape_resizer { height: 300 width: 300 resize_method: BILINEER }");
    assertThatThrownBy(() -> parse(bad))
        .hasMessageContaining("pipeline.config:" + lineOf(bad, "BILINEER"))
        .hasMessageContaining("unknown value \"BILINEER\"")
        .hasMessageContaining("Did you mean \"BILINEAR\"")
        .hasMessageContaining("NEAREST_NEIGHBOR");
  }

  @Test
  void negativeUnsignedValueIsNamed() {
    String bad = SSD.replace("batch_size: 24", "batch_size: -1");
    assertThatThrownBy(() -> parse(bad)).hasMessageContaining("cannot be negative")
        .hasMessageContaining("pipeline.config:" + lineOf(bad, "batch_size: -1"));
  }

  @Test
  void wrongValueTypeNamesTokenAndPosition() {
    String bad = SSD.replace("batch_size: 24", "batch_size: twenty");
    assertThatThrownBy(() -> parse(bad))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("pipeline.config:" + lineOf(bad, "batch_size: twenty"))
        .hasMessageContaining("twenty");
  }

  @Test
  void syntaxErrorNamesPosition() {
    String bad = SSD.replace("eval_config { num_examples: 1101 }", "eval_config { num_examples: 1101 ");
    assertThatThrownBy(() -> parse(bad)).isInstanceOf(ConfigException.class)
        .hasMessageMatching("(?s)pipeline\\.config:\\d+:\\d+: .*");
  }

  @Test
  void semanticProblemsAreAllListedWithLocations() {
    String bad = SSD.replace("num_classes: 3", "num_classes: 0").replace("batch_size: 24", "batch_size: 0")
        .replace("from_detection_checkpoint: true",
            "fine_tune_checkpoint_type: \"detections\" freeze_variables: \"(unclosed\"");
    PipelineConfig c = parse(bad);
    assertThat(c.isValid()).isFalse();
    assertThat(c.problems()).hasSize(4);
    assertThat(String.join("\n", c.problems()))
        .contains("pipeline.config:" + lineOf(bad, "num_classes: 0") + ":5: model.ssd.num_classes: must be at least 1")
        .contains("train_config.batch_size: must be at least 1")
        .contains("\"detections\" is not a checkpoint type").contains("Did you mean \"detection\"")
        .contains("train_config.freeze_variables[0]: \"(unclosed\" is not a valid regular expression");
    assertThatThrownBy(c::requireValid).isInstanceOf(ConfigException.class).hasMessageContaining("4 problems");
  }

  @Test
  void fineTuneValueGetsTheApisAdvice() {
    PipelineConfig c = parse(SSD.replace("from_detection_checkpoint: true", "fine_tune_checkpoint_type: \"fine_tune\""));
    assertThat(c.problems()).singleElement().asString().contains("use \"detection\"");
  }

  @Test
  void manualScheduleStepsMustIncrease() {
    String manual = SSD.replaceFirst("exponential_decay_learning_rate \\{[^}]*\\}", """
        manual_step_learning_rate {
          initial_learning_rate: 0.004
          schedule { step: 1000 learning_rate: 0.001 }
          schedule { step: 500 learning_rate: 0.0001 }
        }""");
    assertThat(parse(manual).problems()).singleElement().asString()
        .contains("schedule[1].step").contains("steps must increase: 500 comes after 1000");
  }

  @Test
  void overridesSetScalarsRepeatedElementsListsAndMessages() {
    PipelineConfig c = parse(SSD,
        "train_config.batch_size=8",
        "model.ssd.num_classes=5",
        "eval_input_reader[0].label_map_path=data/x.pbtxt",
        "train_config.freeze_variables=[\".*FeatureExtractor.*\", \"BoxPredictor_0/.*\"]",
        "train_config.fine_tune_checkpoint_type=full",
        "train_config.optimizer.rms_prop_optimizer.learning_rate={constant_learning_rate{learning_rate:0.01}}");
    TrainEvalPipelineConfig p = c.proto();
    assertThat(p.getTrainConfig().getBatchSize()).isEqualTo(8);
    assertThat(p.getModel().getSsd().getNumClasses()).isEqualTo(5);
    assertThat(p.getEvalInputReader(0).getLabelMapPath()).isEqualTo("data/x.pbtxt");
    assertThat(p.getTrainConfig().getFreezeVariablesList())
        .containsExactly(".*FeatureExtractor.*", "BoxPredictor_0/.*");
    assertThat(p.getTrainConfig().getFineTuneCheckpointType()).isEqualTo("full");
    assertThat(p.getTrainConfig().getOptimizer().getRmsPropOptimizer().getLearningRate()
        .getConstantLearningRate().getLearningRate()).isEqualTo(0.01f);
  }

  @Test
  void zeroFirstScheduleStepOfOldStockConfigsReplacesInitialRate() {
    String manual = SSD.replaceFirst("exponential_decay_learning_rate \\{[^}]*\\}", """
        manual_step_learning_rate {
          initial_learning_rate: 0.0003
          schedule { step: 0 learning_rate: .0002 }
          schedule { step: 900000 learning_rate: .00003 }
        }""");
    PipelineConfig c = parse(manual);
    assertThat(c.problems()).isEmpty();
    var rate = c.proto().getTrainConfig().getOptimizer().getRmsPropOptimizer().getLearningRate()
        .getManualStepLearningRate();
    assertThat(rate.getInitialLearningRate()).isEqualTo(0.0002f);
    assertThat(rate.getScheduleList()).extracting(s -> s.getStep()).containsExactly(900000);
    assertThat(c.warnings()).anyMatch(w -> w.contains("schedule[0] has step 0"));
  }

  @Test
  void numTrainStepsOverridesNumSteps() {
    var c = PipelineConfigLoader.parse(SSD, Path.of("p.config"), List.of(), 7);
    assertThat(c.proto().getTrainConfig().getNumSteps()).isEqualTo(7);
  }

  @Test
  void badOverridePathsNameTheNearestValidOne() {
    assertThatThrownBy(() -> parse(SSD, "train_config.batch_sise=8"))
        .hasMessageContaining("--set train_config.batch_sise=8")
        .hasMessageContaining("no field \"batch_sise\" in train_config")
        .hasMessageContaining("Did you mean \"train_config.batch_size\"");
    assertThatThrownBy(() -> parse(SSD, "trian_config.batch_size=8"))
        .hasMessageContaining("Did you mean \"train_config\"");
    assertThatThrownBy(() -> parse(SSD, "eval_input_reader[3].label_map_path=x"))
        .hasMessageContaining("has 1 element");
    assertThatThrownBy(() -> parse(SSD, "train_config.batch_size=eight"))
        .hasMessageContaining("cannot read \"eight\" as an integer");
    assertThatThrownBy(() -> parse(SSD, "train_config.batch_size=-3"))
        .hasMessageContaining("cannot read \"-3\" as an integer for train_config.batch_size (this field cannot be negative)");
    assertThatThrownBy(() -> parse(SSD, "model.faster_rcnn.num_classes=3"))
        .hasMessageContaining("model is \"ssd\", not \"faster_rcnn\"");
    assertThatThrownBy(() -> parse(SSD, "train_config.batch_size"))
        .hasMessageContaining("expected FIELD_PATH=VALUE");
    assertThatThrownBy(() -> parse(SSD, "model.ssd.image_resizer.fixed_shape_resizer.resize_method=BILINER"))
        .hasMessageContaining("Did you mean \"BILINEAR\"");
  }

  @Test
  void deprecatedMaxNumberOfBoxesMovesToTheInputReader() {
    PipelineConfig c = parse(SSD.replace("batch_size: 24", "batch_size: 24 max_number_of_boxes: 50"));
    assertThat(c.proto().getTrainInputReader().getMaxNumberOfBoxes()).isEqualTo(50);
    assertThat(c.warnings()).noneMatch(w -> w.contains("max_number_of_boxes"));
    PipelineConfig both = parse(SSD.replace("batch_size: 24", "batch_size: 24 max_number_of_boxes: 50")
        .replace("label_map_path: \"PATH_TO_BE_CONFIGURED/pet_label_map.pbtxt\"\n}",
            "label_map_path: \"PATH_TO_BE_CONFIGURED/pet_label_map.pbtxt\" max_number_of_boxes: 20\n}"));
    assertThat(both.proto().getTrainInputReader().getMaxNumberOfBoxes()).isEqualTo(20);
    assertThat(both.warnings()).anyMatch(w -> w.startsWith("train_config.max_number_of_boxes (50) is deprecated")
        && w.contains("input reader's value is used"));
  }

  @Test
  void missingFileAndDirectoryAreClearErrors(@TempDir Path dir) {
    assertThatThrownBy(() -> PipelineConfigLoader.load(dir.resolve("nope.config"), List.of(), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("pipeline config not found");
    assertThatThrownBy(() -> PipelineConfigLoader.load(dir, List.of(), null))
        .hasMessageContaining("is a directory");
  }

  @Test
  void existingFilesAreNotReportedMissingAndGlobsMatch(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("train-00000-of-00002"), "x");
    Files.writeString(dir.resolve("labels.pbtxt"), "item { id: 1 name: 'a' }");
    Files.writeString(dir.resolve("model.ckpt.index"), "x");
    String text = SSD.replace("PATH_TO_BE_CONFIGURED/model.ckpt", dir + "/model.ckpt")
        .replace("PATH_TO_BE_CONFIGURED/pet_faces_train.record-?????-of-00010", dir + "/train-?????-of-00002")
        .replace("PATH_TO_BE_CONFIGURED/pet_label_map.pbtxt", dir + "/labels.pbtxt")
        .replace("PATH_TO_BE_CONFIGURED/pet_faces_val.record-?????-of-00010", dir + "/val.record");
    PipelineConfig c = parse(text);
    assertThat(Preflight.missingPaths(c)).singleElement().asString()
        .contains("eval_input_reader[0].tf_record_input_reader.input_path[0]")
        .contains("no record file matches");
    assertThatThrownBy(() -> Preflight.requireRunnable(c)).isInstanceOf(DataException.class).hasMessageContaining("val.record");
  }

  static int lineOf(String text, String needle) {
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError(needle);
  }
}
