package dev.finetune.model.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.finetune.config.ConfigException;
import dev.finetune.model.ssd.AnchorGeneratorBuilder;
import dev.finetune.model.ssd.SsdAnchorGenerator;
import dev.finetune.proto.AnchorGenerator;
import dev.finetune.proto.BoxCoder;
import dev.finetune.proto.Loss;
import dev.finetune.proto.Matcher;
import dev.finetune.proto.PostProcessing;
import dev.finetune.proto.RegionSimilarityCalculator;
import dev.finetune.proto.Ssd;
import org.junit.jupiter.api.Test;

class BuildersTest {

  @SuppressWarnings("unchecked")
  static <T extends Message> T parse(String text, Message.Builder builder) {
    try {
      TextFormat.merge(text, builder);
    } catch (TextFormat.ParseException e) {
      throw new AssertionError(e);
    }
    return (T) builder.build();
  }

  @Test
  void anchorGenerator() {
    AnchorGenerator stock = parse("ssd_anchor_generator { num_layers: 6 min_scale: 0.2 max_scale: 0.95"
        + " aspect_ratios: 1.0 aspect_ratios: 2.0 aspect_ratios: 0.5 aspect_ratios: 3.0"
        + " aspect_ratios: 0.3333 }", AnchorGenerator.newBuilder());
    var gen = AnchorGeneratorBuilder.build(stock);
    assertThat(gen.numAnchorsPerLocation()).containsExactly(3, 6, 6, 6, 6, 6);
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(parse(
        "grid_anchor_generator { }", AnchorGenerator.newBuilder())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.ssd.anchor_generator.grid_anchor_generator")
        .hasMessageContaining("supported: ssd_anchor_generator, multiscale_anchor_generator");
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(AnchorGenerator.getDefaultInstance()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is empty");
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(parse(
        "ssd_anchor_generator { aspect_ratios: 1.0 height_stride: 16 }", AnchorGenerator.newBuilder())))
        .hasMessageContaining("height_stride");
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(parse(
        "ssd_anchor_generator { aspect_ratios: 1.0 scales: 0.1 scales: 0.2 }", AnchorGenerator.newBuilder())))
        .hasMessageContaining("scales has 2 values");
    assertThatThrownBy(() -> AnchorGeneratorBuilder.build(parse(
        "ssd_anchor_generator { aspect_ratios: -1.0 }", AnchorGenerator.newBuilder())))
        .hasMessageContaining("aspect_ratios[0] must be > 0");
  }

  @Test
  void boxCoderAndMatcher() {
    assertThat(BoxCoderBuilder.build(parse("faster_rcnn_box_coder { y_scale: 8 }", BoxCoder.newBuilder()))
        .scales()).containsExactly(8f, 10f, 5f, 5f);
    assertThatThrownBy(() -> BoxCoderBuilder.build(parse("mean_stddev_box_coder { }", BoxCoder.newBuilder())))
        .hasMessageContaining("model.ssd.box_coder.mean_stddev_box_coder is not supported");
    assertThatThrownBy(() -> BoxCoderBuilder.build(parse("faster_rcnn_box_coder { x_scale: 0 }",
        BoxCoder.newBuilder()))).hasMessageContaining("must all be > 0");
    ArgMaxMatcher m = MatcherBuilder.build(parse("argmax_matcher { matched_threshold: 0.6"
        + " unmatched_threshold: 0.4 force_match_for_each_row: true }", Matcher.newBuilder()));
    assertThat(m.settings()).isEqualTo(new ArgMaxMatcher.Settings(0.6f, 0.4f, false, true, true));
    assertThatThrownBy(() -> MatcherBuilder.build(parse("argmax_matcher { matched_threshold: 0.3"
        + " unmatched_threshold: 0.4 }", Matcher.newBuilder())))
        .hasMessageContaining("model.ssd.matcher.argmax_matcher.unmatched_threshold");
    assertThatThrownBy(() -> MatcherBuilder.build(parse("bipartite_matcher { }", Matcher.newBuilder())))
        .hasMessageContaining("supported: argmax_matcher");
    assertThatThrownBy(() -> MatcherBuilder.checkSimilarity(parse("ioa_similarity { }",
        RegionSimilarityCalculator.newBuilder()))).hasMessageContaining("supported: iou_similarity");
  }

  @Test
  void losses() {
    SsdLoss.Settings s = LossBuilder.build(parse("localization_loss { weighted_l2 { } }"
        + " classification_loss { weighted_softmax { logit_scale: 2 } }"
        + " hard_example_miner { } classification_weight: 0.5", Loss.newBuilder()), true, true);
    assertThat(s.localizationLoss()).isEqualTo(new LocalizationLoss.WeightedL2());
    assertThat(s.classificationLoss()).isEqualTo(new ClassificationLoss.WeightedSoftmax(2f));
    // Proto defaults of hard_example_miner: 64 examples, IoU 0.7, BOTH, ratio 0 (off).
    assertThat(s.hardExampleMiner().settings()).isEqualTo(new HardExampleMiner.Settings(64, 0.7f,
        HardExampleMiner.LossType.BOTH, 0.5f, 1f, 0f, 0));
    assertThat(s.normalizeLocLossByCodesize()).isTrue();
    SsdLoss.Settings focal = LossBuilder.build(parse("localization_loss { weighted_smooth_l1 { } }"
        + " classification_loss { weighted_sigmoid_focal { gamma: 2 alpha: 0.25 } }", Loss.newBuilder()),
        true, false);
    assertThat(focal.classificationLoss()).isEqualTo(new ClassificationLoss.WeightedSigmoidFocal(2f, 0.25f));
    assertThat(focal.hardExampleMiner()).isNull();
    assertThatThrownBy(() -> LossBuilder.build(parse("localization_loss { weighted_smooth_l1 { } }"
        + " classification_loss { weighted_sigmoid_focal { } } hard_example_miner { }", Loss.newBuilder()),
        true, false)).isInstanceOf(ConfigException.class).hasMessageContaining("hard_example_miner");
    assertThatThrownBy(() -> LossBuilder.build(parse("localization_loss { weighted_iou { } }"
        + " classification_loss { weighted_sigmoid { } }", Loss.newBuilder()), true, false))
        .hasMessageContaining("model.ssd.loss.localization_loss.weighted_iou is not supported");
    assertThatThrownBy(() -> LossBuilder.build(parse("localization_loss { weighted_l2 { } }"
        + " classification_loss { bootstrapped_sigmoid { } }", Loss.newBuilder()), true, false))
        .hasMessageContaining("supported: weighted_sigmoid, weighted_softmax, weighted_sigmoid_focal");
    assertThatThrownBy(() -> LossBuilder.build(parse("localization_loss { weighted_l2 { } }",
        Loss.newBuilder()), true, false)).hasMessageContaining("classification_loss is empty");
    assertThatThrownBy(() -> LossBuilder.build(parse("localization_loss { weighted_l2 { } }"
        + " classification_loss { weighted_sigmoid { } } random_example_sampler { }", Loss.newBuilder()),
        true, false)).hasMessageContaining("random_example_sampler");
  }

  @Test
  void postProcessingLimitsAreStatedOnceForTheConfigAndTheSettings() {
    // The builder reports the settings' own rule, under the config's field path.
    assertThatThrownBy(() -> PostProcessingBuilder.build(parse("batch_non_max_suppression {"
        + " max_detections_per_class: 0 }", PostProcessing.newBuilder())))
        .isInstanceOf(ConfigException.class)
        .hasMessage("model.ssd.post_processing.batch_non_max_suppression.max_detections_per_class"
            + " must be >= 1, got 0");
    assertThatThrownBy(() -> new PostProcessor.Settings(PostProcessor.ScoreConverter.SIGMOID, 1f, 0f,
        0.5f, 0, 100, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch_non_max_suppression.max_detections_per_class must be >= 1, got 0");
    assertThatThrownBy(() -> new PostProcessor.Settings(PostProcessor.ScoreConverter.SIGMOID, -1f, 0f,
        0.5f, 1, 100, true)).hasMessage("logit_scale must be > 0, got -1.0");
  }

  @Test
  void postProcessing() {
    PostProcessor.Settings s = PostProcessingBuilder.build(parse("batch_non_max_suppression {"
        + " score_threshold: 1e-8 iou_threshold: 0.6 max_detections_per_class: 100"
        + " max_total_detections: 100 } score_converter: SIGMOID", PostProcessing.newBuilder()));
    assertThat(s).isEqualTo(new PostProcessor.Settings(PostProcessor.ScoreConverter.SIGMOID, 1f, 1e-8f,
        0.6f, 100, 100, true));
    assertThatThrownBy(() -> PostProcessingBuilder.build(parse("batch_non_max_suppression {"
        + " max_detections_per_class: 200 max_total_detections: 100 }", PostProcessing.newBuilder())))
        .hasMessageContaining("max_detections_per_class (200) must not exceed max_total_detections (100)");
    assertThatThrownBy(() -> PostProcessingBuilder.build(parse("batch_non_max_suppression {"
        + " iou_threshold: 1.5 }", PostProcessing.newBuilder())))
        .hasMessageContaining("model.ssd.post_processing.batch_non_max_suppression.iou_threshold");
    assertThatThrownBy(() -> PostProcessingBuilder.build(parse("batch_non_max_suppression {"
        + " use_class_agnostic_nms: true }", PostProcessing.newBuilder())))
        .hasMessageContaining("use_class_agnostic_nms is not supported");
    assertThatThrownBy(() -> PostProcessingBuilder.build(parse("batch_non_max_suppression {"
        + " soft_nms_sigma: 0.5 }", PostProcessing.newBuilder())))
        .hasMessageContaining("soft_nms_sigma");
    assertThatThrownBy(() -> PostProcessingBuilder.build(parse("logit_scale: 0",
        PostProcessing.newBuilder()))).hasMessageContaining("logit_scale must be > 0");
    // An unknown converter name never reaches the builder: the text-proto parser rejects it.
    assertThatThrownBy(() -> TextFormat.merge("score_converter: TANH", PostProcessing.newBuilder()))
        .isInstanceOf(TextFormat.ParseException.class);
  }

  @Test
  void targetAssignerChecksTheSsdFlags() {
    var anchors = new SsdAnchorGenerator(SsdAnchorGenerator.Settings.stock())
        .generate(new int[][] {{19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}}, 300, 300);
    String base = "box_coder { faster_rcnn_box_coder { } } matcher { argmax_matcher { } }"
        + " similarity_calculator { iou_similarity { } } ";
    assertThat(TargetAssignerBuilder.build(parse(base + "num_classes: 3", Ssd.newBuilder()), anchors)
        .numClassesWithBackground()).isEqualTo(4);
    assertThatThrownBy(() -> TargetAssignerBuilder.build(parse(base + "num_classes: 0", Ssd.newBuilder()),
        anchors)).isInstanceOf(ConfigException.class).hasMessageContaining("model.ssd.num_classes");
    assertThatThrownBy(() -> TargetAssignerBuilder.build(parse(base
        + "num_classes: 3 add_background_class: false", Ssd.newBuilder()), anchors))
        .hasMessageContaining("add_background_class");
  }
}
