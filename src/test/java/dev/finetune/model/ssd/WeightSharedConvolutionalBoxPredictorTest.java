package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.config.ConfigException;
import dev.finetune.model.Activation;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ConvHyperparams.BatchNormParams;
import dev.finetune.model.ConvHyperparams.RandomNormal;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.SlimLayers;
import dev.finetune.model.TfTestUtil;
import dev.finetune.model.VariableStore;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The weight-shared head: the API's names, one set of weights, a batch norm per feature map. */
class WeightSharedConvolutionalBoxPredictorTest {
  private static final String P = "WeightSharedConvolutionalBoxPredictor/";
  private static final ConvHyperparams BN = new ConvHyperparams(Activation.RELU_6,
      Optional.empty(), new RandomNormal(0f, 0.3f),
      Optional.of(new BatchNormParams(0.997f, true, true, 0.001f, false)));

  private static WeightSharedConvolutionalBoxPredictor predictor(
      ConvHyperparams hp, boolean share, boolean depthwise, boolean sigmoid) {
    return new WeightSharedConvolutionalBoxPredictor(
        new WeightSharedConvolutionalBoxPredictor.Config(
            hp, 4, 2, 3, 4, -4.6f, false, 0.8f, share, depthwise, sigmoid, null),
        2);
  }

  @Test
  void namesTowersAndHeadsAsTheApiAndSharesTheirWeights() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelScopes scopes = new ModelScopes(tf);
      VariableStore store = new VariableStore(scopes, 1);
      SlimLayers layers = new SlimLayers(store, scopes, 1);
      float[] data = new float[4 * 4 * 3];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) Math.sin(i);
      }
      Operand<TFloat32> map = tf.constant(Shape.of(1, 4, 4, 3), DataBuffers.of(data));
      Operand<TFloat32> small = tf.constant(Shape.of(1, 2, 2, 3), DataBuffers.of(
          Arrays.copyOf(data, 12)));
      var p = predictor(BN, false, false, false);
      var out = p.predict(layers, List.of(map, map, small), new int[] {3, 3, 3}, false);
      assertThat(out.boxEncodings().shape().asArray()).containsExactly(1, (16 + 16 + 4) * 3, 4);
      assertThat(out.classPredictions().shape().asArray()).containsExactly(1, (16 + 16 + 4) * 3, 3);
      List<String> names = store.variables().stream().map(ModelVariable::name).toList();
      assertThat(names).filteredOn(n -> n.endsWith("weights")).containsExactly(
          P + "BoxPredictionTower/conv2d_0/weights", P + "BoxPredictionTower/conv2d_1/weights",
          P + "BoxPredictor/weights", P + "ClassPredictionTower/conv2d_0/weights",
          P + "ClassPredictionTower/conv2d_1/weights", P + "ClassPredictor/weights");
      assertThat(names).contains(
          P + "BoxPredictionTower/conv2d_1/BatchNorm/feature_2/moving_variance",
          P + "ClassPredictionTower/conv2d_0/BatchNorm/feature_0/gamma",
          P + "BoxPredictor/biases", P + "ClassPredictor/biases");
      // Tower convs have batch norm, so no biases; 2 towers x 2 layers x 3 maps x 4 BN variables.
      assertThat(names).filteredOn(n -> n.contains("/BatchNorm/feature_")).hasSize(2 * 2 * 3 * 4);
      assertThat(names).filteredOn(n -> n.endsWith("biases")).hasSize(2);
      try (Session s = new Session(g)) {
        TfTestUtil.initialize(s, store.variables());
        float[][] first = run(s, out);
        // Maps 0 and 1 are equal: with the same weights and equal batch-norm statistics, so
        // are their predictions.
        int perMap = 16 * 3;
        assertThat(Arrays.copyOfRange(first[1], 0, perMap * 3))
            .containsExactly(Arrays.copyOfRange(first[1], perMap * 3, 2 * perMap * 3));
        assertThat(first[1][0]).isNotZero();
        // The class bias starts at class_prediction_bias_init.
        try (Result r = s.runner().fetch(store.ref(P + "ClassPredictor/biases")).run()) {
          assertThat(TfTestUtil.floats(r.get(0))).containsOnly(-4.6f);
        }
        // Each map has its own batch norm: moving the statistics of feature_1 changes map 1 only.
        s.runner().addTarget(tf.assign(
            store.ref(P + "BoxPredictionTower/conv2d_0/BatchNorm/feature_1/moving_mean"),
            tf.constant(new float[] {0.5f, 0.5f, 0.5f, 0.5f}))).run();
        float[][] second = run(s, out);
        assertThat(Arrays.copyOfRange(second[0], 0, perMap * 4))
            .containsExactly(Arrays.copyOfRange(first[0], 0, perMap * 4));
        assertThat(Arrays.copyOfRange(second[0], perMap * 4, 2 * perMap * 4))
            .isNotEqualTo(Arrays.copyOfRange(first[0], perMap * 4, 2 * perMap * 4));
      }
    }
  }

  @Test
  void sharedSeparableTowerAndProjectionsWhenDepthsDiffer() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelScopes scopes = new ModelScopes(tf);
      VariableStore store = new VariableStore(scopes, 1);
      SlimLayers layers = new SlimLayers(store, scopes, 1);
      var maps = List.<Operand<TFloat32>>of(
          tf.zeros(tf.constant(new int[] {1, 4, 4, 6}), TFloat32.class),
          tf.zeros(tf.constant(new int[] {1, 2, 2, 5}), TFloat32.class),
          tf.zeros(tf.constant(new int[] {1, 1, 1, 5}), TFloat32.class));
      predictor(BN, true, true, false).predict(layers, maps, new int[] {1, 1, 1}, false);
      List<String> names = store.variables().stream().map(ModelVariable::name).toList();
      assertThat(names).contains(
          P + "ProjectionLayer/conv2d_0/weights", P + "ProjectionLayer/conv2d_2/weights",
          P + "ProjectionLayer/conv2d_1/BatchNorm/moving_mean",
          P + "PredictionTower/conv2d_0/depthwise_weights",
          P + "PredictionTower/conv2d_0/pointwise_weights",
          P + "PredictionTower/conv2d_1/BatchNorm/feature_2/beta",
          P + "BoxPredictor/depthwise_weights", P + "ClassPredictor/pointwise_weights");
      assertThat(names).noneMatch(n -> n.contains("BoxPredictionTower"));
      // Projected to the most common depth, 5.
      assertThat(store.variables().stream()
          .filter(v -> v.name().equals(P + "ProjectionLayer/conv2d_0/weights"))
          .findFirst().orElseThrow().shape()).containsExactly(1, 1, 6, 5);
    }
  }

  @Test
  void differentAnchorCountsPerMapAreRefused() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelScopes scopes = new ModelScopes(tf);
      SlimLayers layers = new SlimLayers(new VariableStore(scopes, 1), scopes, 1);
      var map = tf.zeros(tf.constant(new int[] {1, 2, 2, 3}), TFloat32.class);
      assertThatThrownBy(() -> predictor(BN, false, false, false)
          .predict(layers, List.of(map, map), new int[] {3, 6}, false))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("same number of anchors per location");
    }
  }

  @Test
  void sigmoidScoreConverterAppliesAtInferenceOnly() {
    assertThat(predictor(BN, false, false, true).trainingDiffersFromInference()).isTrue();
    assertThat(predictor(BN, false, false, false).trainingDiffersFromInference()).isFalse();
  }

  private static float[][] run(Session s, BoxPredictor.Predictions p) {
    try (Result r = s.runner().fetch(p.boxEncodings()).fetch(p.classPredictions()).run()) {
      return new float[][] {TfTestUtil.floats(r.get(0)), TfTestUtil.floats(r.get(1))};
    }
  }
}
