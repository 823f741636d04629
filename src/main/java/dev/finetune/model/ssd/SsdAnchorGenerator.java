package dev.finetune.model.ssd;

import dev.finetune.model.core.Anchors;
import java.util.ArrayList;
import java.util.List;

/**
 * The API's {@code ssd_anchor_generator} ({@code create_ssd_anchors} + {@code
 * MultipleGridAnchorGenerator}): per feature map, a grid of boxes of given (scale, aspect ratio).
 *
 * <p>Scales are computed in double as the API does in Python; all box geometry is float32 in the
 * same operation order as the API's TF ops, so the anchors agree with TF's to the last bit or so.
 * Order: layer, row, column, box (box fastest). Boxes are not clipped.
 */
public final class SsdAnchorGenerator implements AnchorGenerator {

  /**
   * The {@code ssd_anchor_generator} settings. Strides and offsets are in pixels (empty: the
   * default, 1/feature-map-size and half a stride).
   */
  public record Settings(
      int numLayers,
      float minScale,
      float maxScale,
      float[] scales,
      float[] aspectRatios,
      float interpolatedScaleAspectRatio,
      float baseAnchorHeight,
      float baseAnchorWidth,
      int[] heightStrides,
      int[] widthStrides,
      int[] heightOffsets,
      int[] widthOffsets,
      boolean reduceBoxesInLowestLayer) {

    /** The stock SSD settings ({@code ssd_mobilenet_v1_*.config}). */
    public static Settings stock() {
      return new Settings(6, 0.2f, 0.95f, new float[0], new float[] {1f, 2f, 0.5f, 3f, 0.3333f},
          1f, 1f, 1f, new int[0], new int[0], new int[0], new int[0], true);
    }
  }

  /** One box per location: scale (double, as the API's Python) and aspect ratio. */
  public record BoxSpec(double scale, double aspectRatio) {}

  private final List<List<BoxSpec>> boxSpecs = new ArrayList<>();
  private final Settings settings;

  public SsdAnchorGenerator(Settings settings) {
    this.settings = settings;
    int layers = settings.numLayers();
    if (layers < 1) {
      throw new IllegalArgumentException("ssd_anchor_generator.num_layers must be >= 1, got " + layers);
    }
    double[] scales = new double[layers + 1];
    if (settings.scales().length == 0) {
      double min = settings.minScale();
      double max = settings.maxScale();
      for (int i = 0; i < layers; i++) {
        // Python: min + (max - min) * i / (num_layers - 1); num_layers 1 divides by zero in the API.
        scales[i] = layers == 1 ? min : min + (max - min) * i / (layers - 1);
      }
    } else {
      if (settings.scales().length != layers) {
        throw new IllegalArgumentException("ssd_anchor_generator.scales has " + settings.scales().length
            + " values but num_layers is " + layers);
      }
      for (int i = 0; i < layers; i++) {
        scales[i] = settings.scales()[i];
      }
    }
    scales[layers] = 1.0;
    for (int layer = 0; layer < layers; layer++) {
      List<BoxSpec> specs = new ArrayList<>();
      double scale = scales[layer];
      if (layer == 0 && settings.reduceBoxesInLowestLayer()) {
        specs.add(new BoxSpec(0.1, 1.0));
        specs.add(new BoxSpec(scale, 2.0));
        specs.add(new BoxSpec(scale, 0.5));
      } else {
        for (float ar : settings.aspectRatios()) {
          specs.add(new BoxSpec(scale, ar));
        }
        if (settings.interpolatedScaleAspectRatio() > 0f) {
          specs.add(new BoxSpec(Math.sqrt(scale * scales[layer + 1]),
              settings.interpolatedScaleAspectRatio()));
        }
      }
      boxSpecs.add(specs);
    }
    checkPairs(settings.heightStrides(), settings.widthStrides(), "height_stride", "width_stride");
    checkPairs(settings.heightOffsets(), settings.widthOffsets(), "height_offset", "width_offset");
  }

  private void checkPairs(int[] h, int[] w, String hName, String wName) {
    if (h.length != w.length || (h.length != 0 && h.length != boxSpecs.size())) {
      throw new IllegalArgumentException("ssd_anchor_generator." + hName + " and " + wName
          + " must both be empty or both have num_layers (" + boxSpecs.size() + ") values; got "
          + h.length + " and " + w.length);
    }
  }

  public Settings settings() {
    return settings;
  }

  /** The (scale, aspect ratio) pairs of each layer, in the API's order. */
  public List<List<BoxSpec>> boxSpecs() {
    return boxSpecs;
  }

  @Override
  public int[] numAnchorsPerLocation() {
    return boxSpecs.stream().mapToInt(List::size).toArray();
  }

  /**
   * Anchors for feature maps of the given spatial sizes over an image of the given size.
   *
   * @param featureMapShapes {@code [layer][2]} = (height, width) of each feature map
   */
  @Override
  public Anchors generate(int[][] featureMapShapes, int imageHeight, int imageWidth) {
    if (featureMapShapes.length != boxSpecs.size()) {
      throw new IllegalArgumentException("anchor generator has " + boxSpecs.size()
          + " layers but got " + featureMapShapes.length + " feature maps");
    }
    float imH = imageHeight;
    float imW = imageWidth;
    float minIm = Math.min(imH, imW);
    float baseH = (minIm / imH) * settings.baseAnchorHeight();
    float baseW = (minIm / imW) * settings.baseAnchorWidth();
    int total = 0;
    int[] perLayer = new int[boxSpecs.size()];
    for (int l = 0; l < perLayer.length; l++) {
      perLayer[l] = featureMapShapes[l][0] * featureMapShapes[l][1] * boxSpecs.get(l).size();
      total += perLayer[l];
    }
    float[] out = new float[total * 4];
    int o = 0;
    for (int l = 0; l < perLayer.length; l++) {
      int gridH = featureMapShapes[l][0];
      int gridW = featureMapShapes[l][1];
      float strideY;
      float strideX;
      if (settings.heightStrides().length == 0) {
        strideY = 1.0f / (float) gridH;
        strideX = 1.0f / (float) gridW;
      } else {
        strideY = (float) settings.heightStrides()[l] / imH;
        strideX = (float) settings.widthStrides()[l] / imW;
      }
      float offsetY;
      float offsetX;
      if (settings.heightOffsets().length == 0) {
        offsetY = 0.5f * strideY;
        offsetX = 0.5f * strideX;
      } else {
        offsetY = (float) settings.heightOffsets()[l] / imH;
        offsetX = (float) settings.widthOffsets()[l] / imW;
      }
      List<BoxSpec> specs = boxSpecs.get(l);
      int k = specs.size();
      float[] heights = new float[k];
      float[] widths = new float[k];
      for (int b = 0; b < k; b++) {
        float scale = (float) specs.get(b).scale();
        float ratioSqrt = (float) Math.sqrt((float) specs.get(b).aspectRatio());
        heights[b] = scale / ratioSqrt * baseH;
        widths[b] = scale * ratioSqrt * baseW;
      }
      for (int i = 0; i < gridH; i++) {
        float cy = (float) i * strideY + offsetY;
        for (int j = 0; j < gridW; j++) {
          float cx = (float) j * strideX + offsetX;
          for (int b = 0; b < k; b++) {
            float halfH = 0.5f * heights[b];
            float halfW = 0.5f * widths[b];
            out[o++] = cy - halfH;
            out[o++] = cx - halfW;
            out[o++] = cy + halfH;
            out[o++] = cx + halfW;
          }
        }
      }
    }
    return new Anchors(out, perLayer, numAnchorsPerLocation());
  }
}
