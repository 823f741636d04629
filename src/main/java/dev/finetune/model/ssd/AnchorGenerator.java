package dev.finetune.model.ssd;

import dev.finetune.model.core.Anchors;

/**
 * An SSD anchor generator (the API's {@code AnchorGenerator}): how many boxes each location of
 * each feature map predicts, and the anchors for given feature-map sizes. One implementation per
 * {@code anchor_generator} oneof case, chosen by {@link AnchorGeneratorBuilder}.
 */
public interface AnchorGenerator {
  /** Boxes per spatial location for each feature map: known before any feature map is built. */
  int[] numAnchorsPerLocation();

  /**
   * Anchors for feature maps of the given spatial sizes over an image of the given size, in the
   * API's order (layer, row, column, box), normalized {@code [ymin, xmin, ymax, xmax]}.
   *
   * @param featureMapShapes {@code [layer][2]} = (height, width) of each feature map
   */
  Anchors generate(int[][] featureMapShapes, int imageHeight, int imageWidth);
}
