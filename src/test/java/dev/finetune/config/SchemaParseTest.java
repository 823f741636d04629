package dev.finetune.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.TextFormat;
import dev.finetune.proto.AnchorGenerator;
import dev.finetune.proto.CenterNet;
import dev.finetune.proto.CheckpointVersion;
import dev.finetune.proto.DetectionModel;
import dev.finetune.proto.FasterRcnn;
import dev.finetune.proto.Hyperparams;
import dev.finetune.proto.ImageResizer;
import dev.finetune.proto.LearningRate;
import dev.finetune.proto.Optimizer;
import dev.finetune.proto.PreprocessingStep;
import dev.finetune.proto.Ssd;
import dev.finetune.proto.SsdFeatureExtractor;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The generated schema parses pipeline configs in the shapes users bring (TF1 and TF2 era) and
 * supplies the Object Detection API's defaults for fields a config leaves out.
 */
class SchemaParseTest {

  private static TrainEvalPipelineConfig parse(String resource) throws IOException {
    String text;
    try (InputStream in = SchemaParseTest.class.getResourceAsStream("/configs/" + resource)) {
      assertThat(in).as("test resource %s", resource).isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    TrainEvalPipelineConfig.Builder builder = TrainEvalPipelineConfig.newBuilder();
    TextFormat.merge(text, builder);
    return builder.build();
  }

  @Test
  void ssdMobilenetPetsTf1() throws IOException {
    TrainEvalPipelineConfig config = parse("ssd_mobilenet_v1_pets_tf1.config");

    assertThat(config.getModel().getModelCase()).isEqualTo(DetectionModel.ModelCase.SSD);
    Ssd ssd = config.getModel().getSsd();
    assertThat(ssd.getNumClasses()).isEqualTo(37);
    assertThat(ssd.getImageResizer().getFixedShapeResizer().getHeight()).isEqualTo(300);
    assertThat(ssd.getAnchorGenerator().getSsdAnchorGenerator().getAspectRatiosList())
        .containsExactly(1.0f, 2.0f, 0.5f, 3.0f, 0.3333f);
    // Left out of the config, so these come from the schema's defaults.
    assertThat(ssd.getAnchorGenerator().getSsdAnchorGenerator().getReduceBoxesInLowestLayer())
        .isTrue();
    assertThat(ssd.getMatcher().getArgmaxMatcher().getNegativesLowerThanUnmatched()).isTrue();
    assertThat(ssd.getAddBackgroundClass()).isTrue();
    assertThat(ssd.getFeatureExtractor().getConvHyperparams().getActivation())
        .isEqualTo(Hyperparams.Activation.RELU_6);

    Optimizer optimizer = config.getTrainConfig().getOptimizer();
    assertThat(optimizer.getOptimizerCase())
        .isEqualTo(Optimizer.OptimizerCase.RMS_PROP_OPTIMIZER);
    LearningRate rate = optimizer.getRmsPropOptimizer().getLearningRate();
    assertThat(rate.getLearningRateCase())
        .isEqualTo(LearningRate.LearningRateCase.EXPONENTIAL_DECAY_LEARNING_RATE);
    assertThat(rate.getExponentialDecayLearningRate().getDecaySteps()).isEqualTo(800720);
    assertThat(rate.getExponentialDecayLearningRate().getStaircase()).isTrue();
    assertThat(optimizer.hasUseMovingAverage()).isFalse();
    assertThat(optimizer.getUseMovingAverage()).isTrue();
    assertThat(optimizer.getMovingAverageDecay()).isCloseTo(0.9999f, within(1e-7f));

    assertThat(config.getTrainConfig().getFromDetectionCheckpoint()).isTrue();
    assertThat(config.getTrainConfig().hasFineTuneCheckpointType()).isFalse();
    assertThat(config.getTrainConfig().getFineTuneCheckpointVersion())
        .isEqualTo(CheckpointVersion.V1);
    assertThat(config.getTrainConfig().getDataAugmentationOptionsList())
        .extracting(PreprocessingStep::getPreprocessingStepCase)
        .containsExactly(
            PreprocessingStep.PreprocessingStepCase.RANDOM_HORIZONTAL_FLIP,
            PreprocessingStep.PreprocessingStepCase.SSD_RANDOM_CROP);
    assertThat(config.getTrainConfig().getDataAugmentationOptions(0)
        .getRandomHorizontalFlip().getProbability()).isEqualTo(0.5f);
    // The single old-style eval_input_reader block lands in the repeated field.
    assertThat(config.getEvalInputReaderCount()).isEqualTo(1);
    assertThat(config.getEvalInputReader(0).getShuffle()).isFalse();
    assertThat(config.getTrainInputReader().getShuffle()).isTrue();
    assertThat(config.getTrainInputReader().getMaxNumberOfBoxes()).isEqualTo(100);
  }

  @Test
  void fasterRcnnResnetTf1() throws IOException {
    TrainEvalPipelineConfig config = parse("faster_rcnn_resnet101_tf1.config");

    FasterRcnn frcnn = config.getModel().getFasterRcnn();
    assertThat(frcnn.getNumClasses()).isEqualTo(2);
    assertThat(frcnn.getImageResizer().getImageResizerOneofCase())
        .isEqualTo(ImageResizer.ImageResizerOneofCase.KEEP_ASPECT_RATIO_RESIZER);
    assertThat(frcnn.getImageResizer().getKeepAspectRatioResizer().getMaxDimension())
        .isEqualTo(1024);
    assertThat(frcnn.getFirstStageAnchorGenerator().getAnchorGeneratorOneofCase())
        .isEqualTo(AnchorGenerator.AnchorGeneratorOneofCase.GRID_ANCHOR_GENERATOR);
    assertThat(frcnn.getFirstStageAnchorGenerator().getGridAnchorGenerator().getScalesList())
        .containsExactly(0.25f, 0.5f, 1.0f, 2.0f);
    // Defaults.
    assertThat(frcnn.getNumberOfStages()).isEqualTo(2);
    assertThat(frcnn.getSecondStageBatchSize()).isEqualTo(64);
    assertThat(frcnn.getFirstStageBoxPredictorDepth()).isEqualTo(512);

    Optimizer optimizer = config.getTrainConfig().getOptimizer();
    assertThat(optimizer.getOptimizerCase())
        .isEqualTo(Optimizer.OptimizerCase.MOMENTUM_OPTIMIZER);
    assertThat(optimizer.getMomentumOptimizer().getLearningRate()
        .getManualStepLearningRate().getScheduleList())
        .extracting(s -> s.getStep())
        .containsExactly(900000, 1200000);
    assertThat(optimizer.getUseMovingAverage()).isFalse();
    assertThat(config.getTrainConfig().getBatchSize()).isEqualTo(1);
    assertThat(config.getTrainConfig().getGradientClippingByNorm()).isEqualTo(10.0f);
  }

  @Test
  void ssdResnetFpnTf2() throws IOException {
    TrainEvalPipelineConfig config = parse("ssd_resnet50_fpn_tf2.config");

    Ssd ssd = config.getModel().getSsd();
    assertThat(ssd.getFeatureExtractor().getType()).isEqualTo("ssd_resnet50_v1_fpn_keras");
    assertThat(ssd.getFeatureExtractor().getFpn().getMaxLevel()).isEqualTo(7);
    assertThat(ssd.getFeatureExtractor().getFpn().getAdditionalLayerDepth()).isEqualTo(256);
    assertThat(ssd.getImageResizer().getFixedShapeResizer().getWidth()).isEqualTo(640);
    assertThat(ssd.getAnchorGenerator().getMultiscaleAnchorGenerator()
        .getNormalizeCoordinates()).isTrue();
    assertThat(ssd.getFeatureExtractor().getConvHyperparams().getBatchNorm().getCenter())
        .isTrue();
    assertThat(ssd.getBoxPredictor().getWeightSharedConvolutionalBoxPredictor()
        .getClassPredictionBiasInit()).isEqualTo(-4.6f);

    assertThat(config.getTrainConfig().getFineTuneCheckpointType()).isEqualTo("detection");
    assertThat(config.getTrainConfig().getFineTuneCheckpointVersion())
        .isEqualTo(CheckpointVersion.V2);
    LearningRate rate = config.getTrainConfig().getOptimizer().getMomentumOptimizer()
        .getLearningRate();
    assertThat(rate.getLearningRateCase())
        .isEqualTo(LearningRate.LearningRateCase.COSINE_DECAY_LEARNING_RATE);
    assertThat(rate.getCosineDecayLearningRate().getTotalSteps()).isEqualTo(5000);
    assertThat(rate.getCosineDecayLearningRate().getHoldBaseRateSteps()).isZero();

    assertThat(config.getEvalConfig().getBatchSize()).isEqualTo(1);
    assertThat(config.getEvalInputReaderList())
        .extracting(r -> r.getName())
        .containsExactly("validation", "holdout");
  }

  @Test
  void centerNetKeypointsTf2() throws IOException {
    TrainEvalPipelineConfig config = parse("centernet_keypoints_tf2.config");

    assertThat(config.getModel().getModelCase()).isEqualTo(DetectionModel.ModelCase.CENTER_NET);
    CenterNet centerNet = config.getModel().getCenterNet();
    assertThat(centerNet.getNumClasses()).isEqualTo(1);
    assertThat(centerNet.getImageResizer().getKeepAspectRatioResizer().getPadToMaxDimension())
        .isTrue();
    assertThat(centerNet.getObjectCenterParams().getMaxBoxPredictions()).isEqualTo(20);
    assertThat(centerNet.getObjectCenterParams().getHeatmapBiasInit()).isEqualTo(-2.19f);

    CenterNet.KeypointEstimation task = centerNet.getKeypointEstimationTask(0);
    assertThat(centerNet.getKeypointEstimationTaskCount()).isEqualTo(1);
    assertThat(task.getKeypointClassName()).isEqualTo("/m/0dog");
    assertThat(task.getKeypointLabelToStdMap())
        .containsOnlyKeys("left_eye", "right_eye", "nose", "mouth")
        .containsEntry("mouth", 0.4f);
    assertThat(task.getPerKeypointOffset()).isTrue();
    assertThat(task.getCandidateRankingMode()).isEqualTo("min_distance");
    assertThat(task.getBoxScale()).isEqualTo(1.2f);

    assertThat(config.getTrainConfig().getDataAugmentationOptions(0).getRandomHorizontalFlip()
        .getKeypointFlipPermutationList()).containsExactly(1, 0, 2, 3);
    assertThat(config.getTrainConfig().getOptimizer().getAdamOptimizer().getEpsilon())
        .isEqualTo(1e-7f);
    assertThat(config.getTrainInputReader().getNumKeypoints()).isEqualTo(4);
    assertThat(config.getEvalConfig().getParameterizedMetric(0).getCocoKeypointMetrics()
        .getKeypointLabelToSigmasMap()).hasSize(4);
    assertThat(config.getEvalConfig().getKeypointEdgeCount()).isEqualTo(3);
  }

  @Test
  void efficientDetD0Tf2() throws IOException {
    TrainEvalPipelineConfig config = parse("efficientdet_d0_tf2.config");

    Ssd ssd = config.getModel().getSsd();
    assertThat(ssd.getNumClasses()).isEqualTo(5);
    assertThat(ssd.getAddBackgroundClass()).isFalse();
    assertThat(ssd.getImageResizer().getKeepAspectRatioResizer().getMinDimension())
        .isEqualTo(512);
    assertThat(ssd.getFeatureExtractor().getFeaturePyramidOneofCase())
        .isEqualTo(SsdFeatureExtractor.FeaturePyramidOneofCase.BIFPN);
    assertThat(ssd.getFeatureExtractor().getBifpn().getNumIterations()).isEqualTo(3);
    assertThat(ssd.getFeatureExtractor().getBifpn().getCombineMethod())
        .isEqualTo("fast_attention");
    assertThat(ssd.getFeatureExtractor().getConvHyperparams().getActivation())
        .isEqualTo(Hyperparams.Activation.SWISH);
    assertThat(ssd.getFeatureExtractor().getConvHyperparams().getForceUseBias()).isTrue();
    assertThat(ssd.getAnchorGenerator().getMultiscaleAnchorGenerator().getScalesPerOctave())
        .isEqualTo(3);
    assertThat(config.getTrainConfig().getDataAugmentationOptions(1)
        .getRandomScaleCropAndPadToSquare().getOutputSize()).isEqualTo(512);
  }

  @Test
  void misspelledFieldIsRejectedWithItsLocation() {
    String text = "model {\n  ssd {\n    num_clases: 3\n  }\n}\n";
    TrainEvalPipelineConfig.Builder builder = TrainEvalPipelineConfig.newBuilder();

    assertThatThrownBy(() -> TextFormat.merge(text, builder))
        .isInstanceOf(TextFormat.ParseException.class)
        .hasMessageContaining("num_clases")
        .satisfies(e -> {
          TextFormat.ParseException parse = (TextFormat.ParseException) e;
          assertThat(parse.getLine()).isEqualTo(3);
        });
  }

  @Test
  void acceptsTheLooseSyntaxStockConfigsUse() throws IOException {
    // Capitalised booleans, ';' and ',' separators, list syntax and adjacent string
    // literals all occur in the API's stock configs.
    String text = """
        train_config { optimizer { use_moving_average: False } batch_size: 2; }
        eval_config { super_categories { key: "a" value: "x," "y" } }
        model { ssd { anchor_generator { ssd_anchor_generator { aspect_ratios: [1, 2.0] } } } }
        """;
    TrainEvalPipelineConfig.Builder builder = TrainEvalPipelineConfig.newBuilder();
    TextFormat.merge(text, builder);
    TrainEvalPipelineConfig config = builder.build();

    assertThat(config.getTrainConfig().getOptimizer().getUseMovingAverage()).isFalse();
    assertThat(config.getTrainConfig().getBatchSize()).isEqualTo(2);
    assertThat(config.getEvalConfig().getSuperCategoriesMap()).containsEntry("a", "x,y");
    assertThat(config.getModel().getSsd().getAnchorGenerator().getSsdAnchorGenerator()
        .getAspectRatiosList()).containsExactly(1.0f, 2.0f);
  }
}
