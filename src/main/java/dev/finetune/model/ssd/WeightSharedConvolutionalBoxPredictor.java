package dev.finetune.model.ssd;

import dev.finetune.config.ConfigException;
import dev.finetune.model.Activation;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.SlimLayers;
import dev.finetune.model.ssd.ConvolutionalBoxPredictor.BoxEncodingsClip;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The API's {@code WeightSharedConvolutionalBoxPredictor} (RetinaNet's head): one set of weights
 * for every feature map, under {@code WeightSharedConvolutionalBoxPredictor/}.
 *
 * <p>Per feature map k: a tower of {@code num_layers_before_predictor} k×k convs of {@code depth}
 * channels ({@code BoxPredictionTower/conv2d_i}, or {@code PredictionTower/conv2d_i} shared by both
 * heads when {@code share_prediction_tower}), each followed by its own batch norm per map
 * ({@code .../conv2d_i/BatchNorm/feature_k}: the statistics differ between levels) or a bias, then
 * ReLU6; then the heads {@code BoxPredictor} (A·code channels) and {@code ClassPredictor}
 * (A·(K+1), bias starting at {@code class_prediction_bias_init}), the class head on its own tower
 * {@code ClassPredictionTower} unless shared. {@code use_depthwise} makes every one of these convs
 * depthwise-separable ({@code depthwise_weights} + {@code pointwise_weights}). When the maps differ
 * in depth, each first goes through its own 1×1 {@code ProjectionLayer/conv2d_k} to the most
 * common depth.
 */
public final class WeightSharedConvolutionalBoxPredictor implements BoxPredictor {
  public static final String SCOPE = "WeightSharedConvolutionalBoxPredictor";
  static final String AT = "model.ssd.box_predictor.weight_shared_convolutional_box_predictor";

  /** The {@code weight_shared_convolutional_box_predictor} fields. */
  public record Config(
      ConvHyperparams convHyperparams,
      int depth,
      int numLayersBeforePredictor,
      int kernelSize,
      int boxCodeSize,
      float classPredictionBiasInit,
      boolean useDropout,
      float dropoutKeepProbability,
      boolean sharePredictionTower,
      boolean useDepthwise,
      boolean sigmoidAtInference,
      BoxEncodingsClip boxEncodingsClip) {}

  private final Config config;
  private final int numClasses;

  public WeightSharedConvolutionalBoxPredictor(Config config, int numClasses) {
    if (config.kernelSize() < 1) {
      throw new ConfigException(AT + ".kernel_size: " + config.kernelSize() + " must be at least 1");
    }
    if (config.boxCodeSize() < 1) {
      throw new ConfigException(AT + ".box_code_size: " + config.boxCodeSize()
          + " must be at least 1 (4 for faster_rcnn_box_coder)");
    }
    if (config.numLayersBeforePredictor() < 0) {
      throw new ConfigException(AT + ".num_layers_before_predictor: "
          + config.numLayersBeforePredictor() + " must be 0 or more");
    }
    if (config.numLayersBeforePredictor() > 0 && config.depth() < 1) {
      throw new ConfigException(AT + ".depth: " + config.depth()
          + " must be at least 1 when num_layers_before_predictor is set");
    }
    if (config.useDropout()
        && !(config.dropoutKeepProbability() > 0 && config.dropoutKeepProbability() <= 1)) {
      throw new ConfigException(AT + ".dropout_keep_probability: "
          + config.dropoutKeepProbability() + " must be in (0, 1]");
    }
    if (config.boxEncodingsClip() != null
        && !(config.boxEncodingsClip().min() <= config.boxEncodingsClip().max())) {
      throw new ConfigException(AT + ".box_encodings_clip_range: min "
          + config.boxEncodingsClip().min() + " must not exceed max "
          + config.boxEncodingsClip().max());
    }
    this.config = config;
    this.numClasses = numClasses;
  }

  public Config config() {
    return config;
  }

  @Override
  public int boxCodeSize() {
    return config.boxCodeSize();
  }

  @Override
  public boolean trainingDiffersFromInference() {
    return config.useDropout() || config.sigmoidAtInference();
  }

  @Override
  public Predictions predict(
      SlimLayers layers,
      List<Operand<TFloat32>> featureMaps,
      int[] anchorsPerLocation,
      boolean training) {
    if (Arrays.stream(anchorsPerLocation).distinct().count() > 1) {
      throw new ConfigException(AT + ": the weights are shared by all feature maps, so every map"
          + " needs the same number of anchors per location; the anchor generator gives "
          + Arrays.toString(anchorsPerLocation));
    }
    ConvHyperparams hp = config.convHyperparams();
    boolean bnTraining = training && hp.batchNorm().map(b -> b.train()).orElse(false);
    int projectTo = projectionDepth(featureMaps);
    int slots = numClasses + 1;
    List<Operand<TFloat32>> boxes = new ArrayList<>();
    List<Operand<TFloat32>> classes = new ArrayList<>();
    for (int k = 0; k < featureMaps.size(); k++) {
      Operand<TFloat32> feature = featureMaps.get(k);
      int a = anchorsPerLocation[k];
      if (projectTo > 0) {
        feature = convBlock(layers, feature, scope("ProjectionLayer/conv2d_" + k), projectTo, 1,
            false, scope("ProjectionLayer/conv2d_" + k + "/BatchNorm"), bnTraining);
      }
      Operand<TFloat32> boxTower = tower(layers, feature,
          config.sharePredictionTower() ? "PredictionTower" : "BoxPredictionTower", k, bnTraining);
      Operand<TFloat32> box = head(layers, boxTower, "BoxPredictor", a * config.boxCodeSize(), 0f);
      Ops tf = layers.ops(SCOPE);
      box = tf.reshape(box, tf.constant(new int[] {-1, anchorsIn(box, a), config.boxCodeSize()}));
      if (config.boxEncodingsClip() != null) {
        box = tf.clipByValue(box, tf.constant(config.boxEncodingsClip().min()),
            tf.constant(config.boxEncodingsClip().max()));
      }
      boxes.add(box);

      Operand<TFloat32> classTower = config.sharePredictionTower()
          ? boxTower
          : tower(layers, feature, "ClassPredictionTower", k, bnTraining);
      if (config.useDropout() && training) {
        classTower =
            layers.dropout(classTower, scope("ClassPredictor"), config.dropoutKeepProbability());
      }
      Operand<TFloat32> cls = head(layers, classTower, "ClassPredictor", a * slots,
          config.classPredictionBiasInit());
      if (config.sigmoidAtInference() && !training) {
        // score_converter SIGMOID: tf.identity while training, tf.sigmoid at inference.
        cls = tf.math.sigmoid(cls);
      }
      classes.add(tf.reshape(cls, tf.constant(new int[] {-1, anchorsIn(cls, a), slots})));
    }
    Ops tf = layers.ops("");
    Operand<TFloat32> allBoxes = boxes.size() == 1 ? boxes.get(0) : tf.concat(boxes, tf.constant(1));
    Operand<TFloat32> allClasses =
        classes.size() == 1 ? classes.get(0) : tf.concat(classes, tf.constant(1));
    return new Predictions(allBoxes, allClasses);
  }

  /**
   * The depth every map is projected to when their depths differ (the most common one, as the
   * API's {@code max(set(channels), key=channels.count)}); 0 when they already agree.
   */
  static int projectionDepth(List<Operand<TFloat32>> featureMaps) {
    Map<Integer, Integer> counts = new LinkedHashMap<>();
    for (Operand<TFloat32> m : featureMaps) {
      counts.merge((int) m.shape().get(3), 1, Integer::sum);
    }
    if (counts.size() <= 1) {
      return 0;
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  private Operand<TFloat32> tower(
      SlimLayers layers, Operand<TFloat32> net, String towerScope, int featureIndex,
      boolean bnTraining) {
    for (int i = 0; i < config.numLayersBeforePredictor(); i++) {
      String convScope = scope(towerScope + "/conv2d_" + i);
      net = convBlock(layers, net, convScope, config.depth(), config.kernelSize(),
          config.useDepthwise(), convScope + "/BatchNorm/feature_" + featureIndex, bnTraining);
      net = Activation.RELU_6.apply(layers.ops(convScope), net);
    }
    return net;
  }

  /**
   * A conv with {@code activation_fn=None} and {@code normalizer_fn=tf.identity if batch norm else
   * None}: no bias and then slim.batch_norm at {@code bnScope} when the hyperparameters have batch
   * norm, else a bias.
   */
  private Operand<TFloat32> convBlock(
      SlimLayers layers, Operand<TFloat32> net, String convScope, int depth, int kernel,
      boolean separable, String bnScope, boolean bnTraining) {
    ConvHyperparams hp = config.convHyperparams();
    Operand<TFloat32> y =
        layers.convWithoutBias(net, convScope, depth, kernel, 1, false, hp, separable);
    if (hp.batchNorm().isPresent()) {
      return layers.batchNorm(y, bnScope, hp.batchNorm().get(), bnTraining);
    }
    return layers.bias(y, convScope, 0f);
  }

  private Operand<TFloat32> head(
      SlimLayers layers, Operand<TFloat32> net, String name, int outputs, float biasInit) {
    String s = scope(name);
    Operand<TFloat32> y = layers.convWithoutBias(net, s, outputs, config.kernelSize(), 1, false,
        config.convHyperparams(), config.useDepthwise());
    return layers.bias(y, s, biasInit);
  }

  private static String scope(String name) {
    return ModelScopes.join(SCOPE, name);
  }

  private static int anchorsIn(Operand<TFloat32> map, int perLocation) {
    return (int) (map.shape().get(1) * map.shape().get(2) * perLocation);
  }
}
