package dev.finetune.model.ssd;

import dev.finetune.model.SlimLayers;
import dev.finetune.model.backbone.FeatureExtractor;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The SSD forward pass ({@code SSDMetaArch.predict}): feature extractor then box predictor, from
 * normalized images to raw box encodings and class logits.
 */
public final class SsdNetwork {

  /** What one forward pass produces. */
  public record Forward(
      List<Operand<TFloat32>> featureMaps,
      Operand<TFloat32> boxEncodings,
      Operand<TFloat32> classPredictionsWithBackground) {}

  private final FeatureExtractor featureExtractor;
  private final BoxPredictor boxPredictor;
  private final int[] anchorsPerLocation;
  private final boolean freezeBatchnorm;

  public SsdNetwork(
      FeatureExtractor featureExtractor,
      BoxPredictor boxPredictor,
      int[] anchorsPerLocation,
      boolean freezeBatchnorm) {
    this.featureExtractor = featureExtractor;
    this.boxPredictor = boxPredictor;
    this.anchorsPerLocation = anchorsPerLocation.clone();
    this.freezeBatchnorm = freezeBatchnorm;
  }

  public FeatureExtractor featureExtractor() {
    return featureExtractor;
  }

  public BoxPredictor boxPredictor() {
    return boxPredictor;
  }

  /**
   * @param preprocessed images already normalized to [-1,1], [B,H,W,3] with static H and W
   * @param training is_training (batch norm per the config's train / freeze flags, dropout)
   */
  public Forward forward(SlimLayers layers, Operand<TFloat32> preprocessed, boolean training) {
    List<Operand<TFloat32>> maps =
        featureExtractor.extractFeatures(layers, preprocessed, training, freezeBatchnorm);
    if (maps.size() != anchorsPerLocation.length) {
      throw new dev.finetune.config.ConfigException(
          "model.ssd.anchor_generator: generates anchors for " + anchorsPerLocation.length
              + " feature maps but the feature extractor gives " + maps.size()
              + "; make ssd_anchor_generator.num_layers equal feature_extractor.num_layers");
    }
    BoxPredictor.Predictions p =
        boxPredictor.predict(layers, maps, anchorsPerLocation, training);
    return new Forward(maps, p.boxEncodings(), p.classPredictions());
  }
}
