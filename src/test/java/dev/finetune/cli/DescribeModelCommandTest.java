package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DescribeModelCommandTest {

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  static String stockConfig() {
    return Fixtures.get("odapi_reference/pipeline_effective.config").toString();
  }

  @Test
  void jsonListsTheApisVariablesAndAnchors() {
    Run r = run("describe_model", "--pipeline_config_path", stockConfig(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertThat(o.get("anchors").getAsInt()).isEqualTo(1917);
    assertThat(o.getAsJsonArray("variables")).hasSize(200);
    List<String> names = new ArrayList<>();
    o.getAsJsonArray("variables").forEach(v -> names.add(v.getAsJsonObject().get("name").getAsString()));
    assertThat(names)
        .contains(
            "global_step",
            "FeatureExtractor/MobilenetV1/Conv2d_0/weights",
            "FeatureExtractor/MobilenetV1/Conv2d_13_pointwise_2_Conv2d_5_3x3_s2_128/BatchNorm/moving_variance",
            "BoxPredictor_5/ClassPredictor/biases");
    // The API's totals for this config (summary.json): 6,070,058 parameters, 6,044,714 trainable.
    assertThat(o.get("total_parameters").getAsLong()).isEqualTo(6070058L + 1);
    assertThat(o.get("trainable_parameters").getAsLong()).isEqualTo(6044714L);
    assertThat(o.getAsJsonArray("feature_maps").get(0).getAsJsonObject().get("shape").toString())
        .isEqualTo("[19,19,512]");
  }

  /** The stock RetinaNet config: slim ResNet-50 V1 names, the FPN, the weight-shared head. */
  @Test
  void resnet50FpnHasTheApisNamesAndShapes() throws Exception {
    var config = java.nio.file.Path.of(DescribeModelCommandTest.class.getResource(
        "/stock_configs/tf1/ssd_resnet50_v1_fpn_shared_box_predictor_640x640_coco14_sync.config")
        .toURI());
    Run r = run("describe_model", "--pipeline_config_path", config.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    java.util.Map<String, String> shapes = new java.util.HashMap<>();
    o.getAsJsonArray("variables").forEach(v -> shapes.put(
        v.getAsJsonObject().get("name").getAsString(), v.getAsJsonObject().get("shape").toString()));
    String rn = "FeatureExtractor/resnet_v1_50/";
    assertThat(shapes).containsEntry(rn + "conv1/weights", "[7,7,3,64]")
        .containsEntry(rn + "conv1/BatchNorm/gamma", "[64]")
        .containsEntry(rn + "block1/unit_1/bottleneck_v1/shortcut/weights", "[1,1,64,256]")
        .containsEntry(rn + "block1/unit_1/bottleneck_v1/conv2/weights", "[3,3,64,64]")
        .containsEntry(rn + "block3/unit_6/bottleneck_v1/conv3/weights", "[1,1,256,1024]")
        .containsEntry(rn + "block4/unit_3/bottleneck_v1/conv3/BatchNorm/moving_variance", "[2048]")
        .containsEntry(rn + "fpn/projection_3/weights", "[1,1,2048,256]")
        .containsEntry(rn + "fpn/projection_1/biases", "[256]")
        .containsEntry(rn + "fpn/smoothing_1/BatchNorm/beta", "[256]")
        .containsEntry(rn + "fpn/bottom_up_block6/weights", "[3,3,256,256]")
        .containsEntry("WeightSharedConvolutionalBoxPredictor/BoxPredictionTower/conv2d_3/BatchNorm"
            + "/feature_4/moving_mean", "[256]")
        .containsEntry("WeightSharedConvolutionalBoxPredictor/ClassPredictor/weights", "[3,3,256,546]")
        .doesNotContainKey(rn + "block1/unit_2/bottleneck_v1/shortcut/weights")
        .doesNotContainKey(rn + "fpn/smoothing_3/weights");
    // conv1 + 16 bottleneck units (3 convs, a shortcut in the first of each block) + the pyramid
    // (3 projections, 2 smoothings, 2 coarser levels) + towers, heads and global_step.
    assertThat(shapes).hasSize(5 + (16 * 3 + 4) * 5 + (3 * 2 + 4 * 5) + (8 + 2 * 4 * 5 * 4 + 4) + 1);
    assertThat(o.get("anchors").getAsInt()).isEqualTo((80 * 80 + 40 * 40 + 20 * 20 + 100 + 25) * 6);
    assertThat(o.getAsJsonArray("feature_maps").get(4).getAsJsonObject().get("shape").toString())
        .isEqualTo("[5,5,256]");
  }

  @Test
  void tablesFollowDepthMultiplierAndNumClasses() {
    Run r =
        run(
            "describe-model", "--pipeline_config_path", stockConfig(),
            "--set", "model.ssd.feature_extractor.depth_multiplier=0.25",
            "--set", "model.ssd.num_classes=2");
    assertThat(r.code()).as(r.err()).isZero();
    // 32·0.25 = 8 is below min_depth 16; 1024·0.25 = 256; 3 anchors × 3 class slots = 9.
    assertThat(r.out())
        .containsPattern("FeatureExtractor/MobilenetV1/Conv2d_0/weights\\s+\\[3,3,3,16\\]")
        .containsPattern("Conv2d_13_pointwise/weights\\s+\\[1,1,256,256\\]")
        .containsPattern("BoxPredictor_0/ClassPredictor/weights\\s+\\[1,1,128,9\\]")
        .contains("Anchors: 1917");
  }

  @Test
  void badValuesGivePreciseErrors() {
    Run neg =
        run("describe_model", "--pipeline_config_path", stockConfig(),
            "--set", "model.ssd.feature_extractor.depth_multiplier=-0.5");
    assertThat(neg.code()).isEqualTo(2);
    assertThat(neg.err()).contains("depth_multiplier").contains("-0.5");

    Run zero =
        run("describe_model", "--pipeline_config_path", stockConfig(), "--set", "model.ssd.num_classes=0");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.err()).contains("num_classes");

    Run type =
        run("describe_model", "--pipeline_config_path", stockConfig(),
            "--set", "model.ssd.feature_extractor.type=ssd_mobilenet_v3_small");
    assertThat(type.code()).isEqualTo(2);
    assertThat(type.err()).contains("ssd_mobilenet_v3_small").contains("ssd_mobilenet_v1");

    // An FPN needs sizes that halve exactly up to its coarsest backbone level.
    Run fpn =
        run("describe_model", "--pipeline_config_path", stockConfig(),
            "--set", "model.ssd.feature_extractor.type=ssd_resnet50_v1_fpn");
    assertThat(fpn.code()).isEqualTo(2);
    assertThat(fpn.err()).contains("20x20 upsampled map into a 19x19").contains("multiples of 32");

    Run converter =
        run("describe_model", "--pipeline_config_path", stockConfig(),
            "--set", "model.ssd.post_processing.score_converter=SIGMOD");
    assertThat(converter.code()).isEqualTo(2);
    assertThat(converter.err()).contains("score_converter").contains("SIGMOD");
  }
}
