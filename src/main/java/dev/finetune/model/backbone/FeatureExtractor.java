package dev.finetune.model.backbone;

import dev.finetune.model.SlimLayers;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * An SSD feature extractor (the API's {@code SSDFeatureExtractor}): how images are normalized and
 * which feature maps the network gives. One implementation per {@code feature_extractor.type},
 * registered in {@link FeatureExtractorBuilder}.
 */
public interface FeatureExtractor {
  /** The scope every SSD feature extractor's variables live under (the API's {@code _extract_features_scope}). */
  String EXTRACT_FEATURES_SCOPE = "FeatureExtractor";

  /** The {@code feature_extractor.type} this extractor implements. */
  String type();

  /** The scope of the network's own variables, e.g. {@code FeatureExtractor/MobilenetV1}. */
  String scope();

  /** Maps [0,255] pixels to what the network expects (the API's {@code preprocess}). */
  Operand<TFloat32> preprocess(Ops tf, Operand<TFloat32> images);

  /**
   * The feature maps, in the API's order.
   *
   * @param training the model is being trained (is_training)
   * @param freezeBatchnorm {@code ssd.freeze_batchnorm}
   */
  List<Operand<TFloat32>> extractFeatures(
      SlimLayers layers, Operand<TFloat32> preprocessed, boolean training, boolean freezeBatchnorm);
}
