package dev.finetune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * describe_model on the API's MobileNet V2 configs: its reference run's config (the stock
 * ssd_mobilenet_v2_coco, 37 classes), and the stock SSDLite, FaceSSD and TF2 (Keras) configs.
 */
class DescribeMobileNetV2Test {
  static final String STOCK = "src/test/resources/configs/";

  static JsonObject describe(String config, String... extra) {
    List<String> args = new ArrayList<>(List.of("describe_model", "--pipeline_config_path", config, "--json"));
    args.addAll(List.of(extra));
    CliTestSupport.Result r = CliTestSupport.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  static List<String> names(JsonObject o) {
    List<String> names = new ArrayList<>();
    o.getAsJsonArray("variables").forEach(v -> names.add(v.getAsJsonObject().get("name").getAsString()));
    return names;
  }

  static List<String> mapShapes(JsonObject o) {
    List<String> shapes = new ArrayList<>();
    JsonArray maps = o.getAsJsonArray("feature_maps");
    maps.forEach(m -> shapes.add(m.getAsJsonObject().get("shape").toString()));
    return shapes;
  }

  @Test
  void theReferenceConfigHasTheApisVariablesAndParameterCounts() {
    JsonObject o =
        describe(Fixtures.get("odapi_reference_mobilenet_v2/pipeline_effective.config").toString());
    // summary.json: 324 variables, 5,237,290 parameters, 5,199,722 trainable; plus global_step.
    assertThat(o.getAsJsonArray("variables")).hasSize(325);
    assertThat(o.get("total_parameters").getAsLong()).isEqualTo(5237290L + 1);
    assertThat(o.get("trainable_parameters").getAsLong()).isEqualTo(5199722L);
    assertThat(o.get("anchors").getAsInt()).isEqualTo(1917);
    assertThat(mapShapes(o))
        .containsExactly("[19,19,576]", "[10,10,1280]", "[5,5,512]", "[3,3,256]", "[2,2,256]", "[1,1,128]");
    assertThat(names(o))
        .contains(
            "FeatureExtractor/MobilenetV2/Conv/weights",
            "FeatureExtractor/MobilenetV2/expanded_conv/depthwise/depthwise_weights",
            "FeatureExtractor/MobilenetV2/expanded_conv_16/project/BatchNorm/moving_variance",
            "FeatureExtractor/MobilenetV2/layer_19_2_Conv2d_5_3x3_s2_128/weights")
        // The first block has no expansion (its factor is 1).
        .doesNotContain("FeatureExtractor/MobilenetV2/expanded_conv/expand/weights");
  }

  @Test
  void ssdliteHasDepthwiseExtraLayersAndPredictors() {
    JsonObject o = describe(STOCK + "ssdlite_mobilenet_v2_coco.config");
    assertThat(o.get("anchors").getAsInt()).isEqualTo(1917);
    assertThat(names(o))
        .contains(
            "FeatureExtractor/MobilenetV2/layer_19_2_Conv2d_2_3x3_s2_512_depthwise/depthwise_weights",
            "FeatureExtractor/MobilenetV2/layer_19_2_Conv2d_2_3x3_s2_512/weights",
            "BoxPredictor_0/BoxEncodingPredictor_depthwise/depthwise_weights",
            "BoxPredictor_5/ClassPredictor/weights")
        .doesNotContain("FeatureExtractor/MobilenetV2/layer_19_2_Conv2d_2_3x3_s2_512/BatchNorm/gamma_x");
  }

  @Test
  void faceSsdBuildsWithExplicitPaddingAt320() {
    JsonObject o = describe(STOCK + "facessd_mobilenet_v2_quantized_320x320_open_image_v4.config");
    assertThat(mapShapes(o))
        .containsExactly("[20,20,576]", "[10,10,1280]", "[5,5,512]", "[3,3,256]", "[2,2,256]", "[1,1,128]");
    assertThat(o.get("anchors").getAsInt()).isEqualTo(20 * 20 * 3 + (100 + 25 + 9 + 4 + 1) * 6);
  }

  @Test
  void theTf2KerasConfigBuildsTheSameNetworkWithTf1Names() {
    JsonObject keras = describe(STOCK + "ssd_mobilenet_v2_320x320_coco17_tpu-8.config");
    JsonObject tf1 =
        describe(Fixtures.get("odapi_reference_mobilenet_v2/pipeline_effective.config").toString(),
            "--set", "model.ssd.num_classes=90");
    List<String> kerasNames = names(keras);
    assertThat(kerasNames).contains("FeatureExtractor/MobilenetV2/expanded_conv_13/expand/weights");
    // Same variables; the TF2 config predicts 90 classes with encode_background_as_zeros, so its
    // class heads are narrower by one slot per anchor.
    assertThat(kerasNames).containsExactlyInAnyOrderElementsOf(names(tf1));
    assertThat(mapShapes(keras)).isEqualTo(mapShapes(tf1));
  }
}
