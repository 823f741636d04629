package dev.finetune.model.core;

import java.util.Arrays;

/**
 * A fixed set of anchor boxes, the API's order, normalized {@code [ymin, xmin, ymax, xmax]} (not
 * clipped: values below 0 and above 1 occur), together with how they split into feature-map layers.
 *
 * <p>The centre/size form the box coder needs is computed once here, with the same float32
 * operations as the API's {@code BoxList.get_center_coordinates_and_sizes}, so Java and graph code
 * share bit-identical anchor geometry.
 *
 * @param boxes [count, 4] row-major
 * @param anchorsPerLayer number of anchors contributed by each feature map, in order
 * @param boxesPerLocation boxes per spatial location of each feature map
 */
public record Anchors(float[] boxes, int[] anchorsPerLayer, int[] boxesPerLocation) {

  public Anchors {
    if (boxes.length % 4 != 0) {
      throw new IllegalArgumentException("Anchors: boxes length " + boxes.length + " is not 4·N");
    }
    if (Arrays.stream(anchorsPerLayer).sum() != boxes.length / 4) {
      throw new IllegalArgumentException("Anchors: per-layer counts do not add up to " + boxes.length / 4);
    }
  }

  /** Number of anchors. */
  public int count() {
    return boxes.length / 4;
  }

  /** Index of the first anchor of each layer. */
  public int[] layerOffsets() {
    int[] offsets = new int[anchorsPerLayer.length];
    for (int l = 1; l < offsets.length; l++) {
      offsets[l] = offsets[l - 1] + anchorsPerLayer[l - 1];
    }
    return offsets;
  }

  /** Centres and sizes: {@code [4][count]} = yCenter, xCenter, height, width (float32 as the API). */
  public float[][] centersAndSizes() {
    int n = count();
    float[][] out = new float[4][n];
    for (int i = 0; i < n; i++) {
      float ymin = boxes[4 * i];
      float xmin = boxes[4 * i + 1];
      float h = boxes[4 * i + 2] - ymin;
      float w = boxes[4 * i + 3] - xmin;
      out[0][i] = ymin + h / 2f;
      out[1][i] = xmin + w / 2f;
      out[2][i] = h;
      out[3][i] = w;
    }
    return out;
  }
}
