package dev.finetune.model.ssd;

import dev.finetune.config.ConfigException;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.SlimLayers;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The API's {@code ConvolutionalBoxPredictor}: per feature map i, under scope
 * {@code BoxPredictor_i}, optional 1×1 layers {@code Conv2d_j_1x1_{depth}}, then a box head
 * {@code BoxEncodingPredictor} (A·code_size channels) and a class head {@code ClassPredictor}
 * (A·(K+1) channels, background first; dropout on its input in training). Outputs reshaped
 * row-major (y, x, anchor) and concatenated over the maps: [B, A_total, code] and [B, A_total, K+1].
 */
public final class ConvolutionalBoxPredictor implements BoxPredictor {

  /** The {@code convolutional_box_predictor} fields. */
  public record Config(
      ConvHyperparams convHyperparams,
      int minDepth,
      int maxDepth,
      int numLayersBeforePredictor,
      boolean useDropout,
      float dropoutKeepProbability,
      int kernelSize,
      int boxCodeSize,
      boolean applySigmoidToScores,
      float classPredictionBiasInit,
      boolean useDepthwise,
      BoxEncodingsClip boxEncodingsClip) {}

  /** {@code box_encodings_clip_range}: box codes clipped to [min, max]; null when unset. */
  public record BoxEncodingsClip(float min, float max) {}

  private final Config config;
  private final int numClasses;

  public ConvolutionalBoxPredictor(Config config, int numClasses) {
    String at = "model.ssd.box_predictor.convolutional_box_predictor.";
    if (config.kernelSize() < 1) {
      throw new ConfigException(at + "kernel_size: " + config.kernelSize() + " must be at least 1");
    }
    if (config.boxCodeSize() < 1) {
      throw new ConfigException(
          at + "box_code_size: " + config.boxCodeSize() + " must be at least 1 (4 for faster_rcnn_box_coder)");
    }
    if (config.useDropout()
        && !(config.dropoutKeepProbability() > 0 && config.dropoutKeepProbability() <= 1)) {
      throw new ConfigException(
          at + "dropout_keep_probability: " + config.dropoutKeepProbability()
              + " must be in (0, 1]");
    }
    if (config.boxEncodingsClip() != null
        && !(config.boxEncodingsClip().min() <= config.boxEncodingsClip().max())) {
      throw new ConfigException(
          at + "box_encodings_clip_range: min " + config.boxEncodingsClip().min()
              + " must not exceed max " + config.boxEncodingsClip().max());
    }
    if (config.maxDepth() > 0 && config.minDepth() > config.maxDepth()) {
      throw new ConfigException(
          at + "min_depth (" + config.minDepth() + ") must not exceed max_depth ("
              + config.maxDepth() + ")");
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
    return config.useDropout();
  }

  /**
   * @param anchorsPerLocation boxes predicted at each location of each map
   * @param training is_training: dropout, and batch norm of the extra layers when batch_norm.train
   */
  @Override
  public Predictions predict(
      SlimLayers layers,
      List<Operand<TFloat32>> featureMaps,
      int[] anchorsPerLocation,
      boolean training) {
    ConvHyperparams hp = config.convHyperparams();
    boolean bnTraining = training && hp.batchNorm().map(b -> b.train()).orElse(false);
    int slots = numClasses + 1;
    List<Operand<TFloat32>> boxes = new ArrayList<>();
    List<Operand<TFloat32>> classes = new ArrayList<>();
    for (int i = 0; i < featureMaps.size(); i++) {
      // A single map gets no scope, as the API does for backward compatibility.
      String scope = featureMaps.size() > 1 ? "BoxPredictor_" + i : "";
      Operand<TFloat32> net = featureMaps.get(i);
      int a = anchorsPerLocation[i];
      int featureDepth = (int) net.shape().get(3);
      int depth = Math.max(Math.min(featureDepth, config.maxDepth()), config.minDepth());
      if (depth > 0 && config.numLayersBeforePredictor() > 0) {
        for (int j = 0; j < config.numLayersBeforePredictor(); j++) {
          net =
              layers.conv2d(
                  net, join(scope, "Conv2d_" + j + "_1x1_" + depth), depth, 1, 1, false, hp,
                  bnTraining);
        }
      }
      Operand<TFloat32> box =
          head(layers, net, join(scope, "BoxEncodingPredictor"), a * config.boxCodeSize(), 0f, bnTraining);
      Operand<TFloat32> classInput = net;
      if (config.useDropout() && training) {
        classInput = layers.dropout(net, join(scope, "ClassPredictor"), config.dropoutKeepProbability());
      }
      // With use_depthwise the API leaves the class bias at zero (it passes no initializer there).
      float biasInit = config.useDepthwise() ? 0f : config.classPredictionBiasInit();
      Operand<TFloat32> cls =
          head(layers, classInput, join(scope, "ClassPredictor"), a * slots, biasInit, bnTraining);
      Ops tf = layers.ops(scope);
      if (config.boxEncodingsClip() != null) {
        box =
            tf.clipByValue(
                box, tf.constant(config.boxEncodingsClip().min()),
                tf.constant(config.boxEncodingsClip().max()));
      }
      if (config.applySigmoidToScores()) {
        cls = tf.math.sigmoid(cls);
      }
      boxes.add(tf.reshape(box, tf.constant(new int[] {-1, anchorsIn(box, a), config.boxCodeSize()})));
      classes.add(tf.reshape(cls, tf.constant(new int[] {-1, anchorsIn(cls, a), slots})));
    }
    Ops tf = layers.ops("");
    Operand<TFloat32> allBoxes = boxes.size() == 1 ? boxes.get(0) : tf.concat(boxes, tf.constant(1));
    Operand<TFloat32> allClasses =
        classes.size() == 1 ? classes.get(0) : tf.concat(classes, tf.constant(1));
    return new Predictions(allBoxes, allClasses);
  }

  private Operand<TFloat32> head(
      SlimLayers layers, Operand<TFloat32> net, String scope, int outputs, float biasInit,
      boolean bnTraining) {
    ConvHyperparams hp = config.convHyperparams();
    if (config.useDepthwise()) {
      // separable_conv2d(num_outputs=None) under the arg_scope (batch norm, activation), then 1×1.
      Operand<TFloat32> dw =
          layers.depthwise(net, scope + "_depthwise", config.kernelSize(), 1, false, hp, bnTraining);
      return layers.linearConv2d(dw, scope, outputs, 1, hp, biasInit);
    }
    return layers.linearConv2d(net, scope, outputs, config.kernelSize(), hp, biasInit);
  }

  private static int anchorsIn(Operand<TFloat32> map, int perLocation) {
    return (int) (map.shape().get(1) * map.shape().get(2) * perLocation);
  }

  private static String join(String scope, String name) {
    return scope.isEmpty() ? name : scope + "/" + name;
  }
}
