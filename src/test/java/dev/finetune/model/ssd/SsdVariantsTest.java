package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TextFormat;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.proto.DetectionModel;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;

/** The config switches that change the variables: names and shapes as the API's slim code makes them. */
class SsdVariantsTest {

  static Map<String, String> variables(String overrides) throws Exception {
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(SsdOverfitTest.CONFIG, b);
    TextFormat.merge(overrides, b);
    try (Graph g = new Graph()) {
      Detector m = ModelBuilder.build(b.build(), g, 2, 0);
      return m.variables().stream()
          .collect(Collectors.toMap(ModelVariable::name, ModelVariable::shapeString));
    }
  }

  @Test
  void useDepthwiseMakesSeparableExtraLayersAndHeads() throws Exception {
    Map<String, String> v =
        variables(
            "ssd { feature_extractor { use_depthwise: true }"
                + " box_predictor { convolutional_box_predictor { use_depthwise: true kernel_size: 3 } } }");
    String extra = "FeatureExtractor/MobilenetV1/Conv2d_13_pointwise_2_Conv2d_2_3x3_s2_128";
    // dm 0.25: 1x1 to int(256·0.25) = 64, then depthwise 3×3 + 1×1 to 128.
    assertThat(v)
        .containsEntry(extra + "_depthwise/depthwise_weights", "3x3x64x1")
        .containsEntry(extra + "/weights", "1x1x64x128")
        .containsEntry(extra + "_depthwise/BatchNorm/moving_mean", "64")
        .containsEntry("BoxPredictor_0/BoxEncodingPredictor_depthwise/depthwise_weights", "3x3x128x1")
        .containsEntry("BoxPredictor_0/BoxEncodingPredictor/weights", "1x1x128x12")
        .containsEntry("BoxPredictor_0/ClassPredictor_depthwise/depthwise_weights", "3x3x128x1")
        .containsEntry("BoxPredictor_0/ClassPredictor/weights", "1x1x128x9")
        .doesNotContainKey(extra + "/depthwise_weights");
  }

  @Test
  void layersBeforePredictorAndKernelSize() throws Exception {
    // Layers 1+ have 4 anchors per location (3 aspect ratios + the interpolated one), 3 slots each.
    Map<String, String> v =
        variables(
            "ssd { box_predictor { convolutional_box_predictor {"
                + " num_layers_before_predictor: 2 min_depth: 0 max_depth: 32 kernel_size: 3 } } }");
    assertThat(v)
        .containsEntry("BoxPredictor_1/Conv2d_0_1x1_32/weights", "1x1x256x32")
        .containsEntry("BoxPredictor_1/Conv2d_1_1x1_32/weights", "1x1x32x32")
        .containsEntry("BoxPredictor_1/Conv2d_1_1x1_32/BatchNorm/gamma", "32")
        .containsEntry("BoxPredictor_1/ClassPredictor/weights", "3x3x32x12");
  }

  @Test
  void explicitPaddingKeepsTheFeatureMapSizes() throws Exception {
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(SsdOverfitTest.CONFIG, b);
    TextFormat.merge("ssd { feature_extractor { use_explicit_padding: true } }", b);
    try (Graph g = new Graph()) {
      SsdModel m = (SsdModel) ModelBuilder.build(b.build(), g, 1, 0);
      assertThat(m.anchors().anchorsPerLayer()).containsExactly(6 * 6 * 3, 3 * 3 * 4, 2 * 2 * 4, 1 * 4, 1 * 4, 1 * 4);
    }
  }

  /**
   * use_explicit_padding, numerically: slim's fixed_padding pads a 3x3 layer by (1, 1) whatever
   * the size, then convolves VALID; TensorFlow's SAME pads an odd size by (1, 1) too (even sizes
   * get (0, 1)). On a 65x65 input every stride-2 layer up to the third feature map sees an odd size
   * (65, 33, 17, 9, 5, then 3 for the first extra layer), so those maps must equal the SAME-padded
   * network's, a second computation through TensorFlow's own padding; the fourth map's layer sees
   * 2x2, where the two must differ.
   */
  @Test
  void explicitPaddingEqualsSamePaddingWhereTheyPadAlike() throws Exception {
    String size = "ssd { image_resizer { fixed_shape_resizer { height: 65 width: 65 } } }";
    float[] image = new float[2 * 65 * 65 * 3];
    java.util.Random rnd = new java.util.Random(5);
    for (int i = 0; i < image.length; i++) {
      image[i] = rnd.nextFloat() * 2 - 1;
    }
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("explicit-padding");
    String prefix = dir.resolve("model.ckpt").toString();
    java.util.List<float[]> same = featureMaps(size, image, prefix, true);
    java.util.List<float[]> explicit =
        featureMaps(size + " ssd { feature_extractor { use_explicit_padding: true } }", image, prefix, false);
    for (int i = 0; i < 3; i++) {
      assertThat(explicit.get(i)).as("feature map " + i).hasSameSizeAs(same.get(i));
      assertThat(dev.finetune.model.TfTestUtil.maxAbsDiff(explicit.get(i), same.get(i)))
          .as("feature map " + i).isLessThan(1e-5 * dev.finetune.model.TfTestUtil.maxAbs(same.get(i)));
    }
    assertThat(dev.finetune.model.TfTestUtil.maxAbsDiff(explicit.get(3), same.get(3)))
        .as("feature map 3 (2x2 input: padded differently)")
        .isGreaterThan(1e-3 * dev.finetune.model.TfTestUtil.maxAbs(same.get(3)));
  }

  /**
   * The six feature maps for {@code image} (already preprocessed), batch norm frozen; {@code save}
   * writes the initialized weights to {@code prefix}, else they are restored from it, so both
   * networks share every weight.
   */
  private static java.util.List<float[]> featureMaps(String overrides, float[] image, String prefix,
      boolean save) throws Exception {
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(SsdOverfitTest.CONFIG, b);
    TextFormat.merge(overrides, b);
    DetectionModel config = SsdModelReferenceTestSupport.frozenBatchNorm(b.build());
    try (Graph g = new Graph();
        org.tensorflow.Session s = new org.tensorflow.Session(g);
        org.tensorflow.types.TFloat32 x =
            dev.finetune.model.TfTestUtil.tensor(new long[] {2, 65, 65, 3}, image)) {
      SsdModel m = (SsdModel) ModelBuilder.build(config, g, 2, 0);
      java.util.List<ModelVariable> vars = m.variables();
      if (save) {
        dev.finetune.model.TfTestUtil.initialize(s, vars);
        s.save(prefix);
      } else {
        dev.finetune.model.TfTestUtil.restore(s, org.tensorflow.op.Ops.create(g), vars, prefix);
      }
      org.tensorflow.Session.Runner r = s.runner().feed(m.preprocessedInputs(), x);
      m.trainingForward().featureMaps().forEach(r::fetch);
      java.util.List<float[]> out = new java.util.ArrayList<>();
      try (org.tensorflow.Result res = r.run()) {
        for (int i = 0; i < res.size(); i++) {
          out.add(dev.finetune.model.TfTestUtil.floats(res.get(i)));
        }
      }
      return out;
    }
  }

  @Test
  void boxEncodingsClipRangeBoundsTheCodes() throws Exception {
    assertThat(maxAbsBoxCode("")).isGreaterThan(0.01);
    assertThat(
            maxAbsBoxCode(
                "ssd { box_predictor { convolutional_box_predictor {"
                    + " box_encodings_clip_range { min: -0.01 max: 0.01 } } } }"))
        .isLessThanOrEqualTo(0.01);
  }

  /** The largest |box code| of the training forward (batch statistics) on two random images. */
  static double maxAbsBoxCode(String overrides) throws Exception {
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(SsdOverfitTest.CONFIG, b);
    TextFormat.merge(overrides, b);
    try (Graph g = new Graph()) {
      SsdModel m = (SsdModel) ModelBuilder.build(b.build(), g, 2, 0);
      try (org.tensorflow.Session s = new org.tensorflow.Session(g);
          org.tensorflow.types.TFloat32 x =
              dev.finetune.model.TfTestUtil.tensor(
                  new long[] {2, 96, 96, 3}, randomImage(2 * 96 * 96 * 3))) {
        dev.finetune.model.TfTestUtil.initialize(s, m.variables());
        return dev.finetune.model.TfTestUtil.maxAbs(
            dev.finetune.model.TfTestUtil.fetch(
                s, m.trainingForward().boxEncodings(), "image_tensor", x));
      }
    }
  }

  static float[] randomImage(int n) {
    java.util.Random r = new java.util.Random(2);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextFloat() * 255;
    }
    return x;
  }
}
