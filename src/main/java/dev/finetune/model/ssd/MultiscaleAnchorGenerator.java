package dev.finetune.model.ssd;

import dev.finetune.model.core.Anchors;

/**
 * The API's {@code multiscale_anchor_generator} ({@code MultiscaleGridAnchorGenerator}, RetinaNet
 * anchors): feature map i is pyramid level {@code min_level + i}, stride 2^level pixels; each
 * location gets one box per (aspect ratio, scale) pair, aspect ratios outer, scales
 * 2^(s/scales_per_octave) inner, of base size {@code anchor_scale · 2^level} pixels.
 *
 * <p>Box geometry is float32 in the order of the API's {@code tile_anchors} and
 * {@code to_normalized_coordinates}: heights = scale / sqrt(ratio) · base, centres = index · stride
 * + offset, corners = centre ∓ 0.5 · size, then × (1 / image size). The offset is half a stride
 * when the image size is a multiple of the stride, else 0 (the API's rule).
 */
public final class MultiscaleAnchorGenerator implements AnchorGenerator {

  /** The {@code multiscale_anchor_generator} fields. */
  public record Settings(
      int minLevel,
      int maxLevel,
      float anchorScale,
      float[] aspectRatios,
      int scalesPerOctave,
      boolean normalizeCoordinates) {}

  private final Settings settings;
  private final float[] scales;

  public MultiscaleAnchorGenerator(Settings settings) {
    if (settings.maxLevel() < settings.minLevel() || settings.scalesPerOctave() < 1
        || settings.aspectRatios().length == 0) {
      throw new IllegalArgumentException("invalid multiscale anchor settings " + settings);
    }
    this.settings = settings;
    scales = new float[settings.scalesPerOctave()];
    for (int s = 0; s < scales.length; s++) {
      // Python: 2**(float(scale) / scales_per_octave), a double turned into a float32 tensor.
      scales[s] = (float) Math.pow(2.0, (double) s / settings.scalesPerOctave());
    }
  }

  public Settings settings() {
    return settings;
  }

  /** Pyramid levels min_level..max_level: one feature map each. */
  public int numLevels() {
    return settings.maxLevel() - settings.minLevel() + 1;
  }

  @Override
  public int[] numAnchorsPerLocation() {
    int[] out = new int[numLevels()];
    java.util.Arrays.fill(out, settings.aspectRatios().length * settings.scalesPerOctave());
    return out;
  }

  @Override
  public Anchors generate(int[][] featureMapShapes, int imageHeight, int imageWidth) {
    if (featureMapShapes.length != numLevels()) {
      throw new IllegalArgumentException("multiscale anchor generator has " + numLevels()
          + " levels but got " + featureMapShapes.length + " feature maps");
    }
    int perLocation = settings.aspectRatios().length * scales.length;
    int[] perLayer = new int[numLevels()];
    int total = 0;
    for (int l = 0; l < perLayer.length; l++) {
      perLayer[l] = featureMapShapes[l][0] * featureMapShapes[l][1] * perLocation;
      total += perLayer[l];
    }
    float[] out = new float[total * 4];
    float invH = 1f / (float) imageHeight;
    float invW = 1f / (float) imageWidth;
    int o = 0;
    for (int l = 0; l < perLayer.length; l++) {
      int level = settings.minLevel() + l;
      double stride = Math.pow(2, level);
      float strideF = (float) stride;
      float base = (float) (stride * (double) settings.anchorScale());
      float offsetY = imageHeight % stride == 0 ? (float) (stride / 2.0) : 0f;
      float offsetX = imageWidth % stride == 0 ? (float) (stride / 2.0) : 0f;
      float[] heights = new float[perLocation];
      float[] widths = new float[perLocation];
      int k = 0;
      for (float ratio : settings.aspectRatios()) {
        float ratioSqrt = (float) Math.sqrt(ratio);
        for (float scale : scales) {
          heights[k] = scale / ratioSqrt * base;
          widths[k] = scale * ratioSqrt * base;
          k++;
        }
      }
      for (int i = 0; i < featureMapShapes[l][0]; i++) {
        float cy = (float) i * strideF + offsetY;
        for (int j = 0; j < featureMapShapes[l][1]; j++) {
          float cx = (float) j * strideF + offsetX;
          for (int b = 0; b < perLocation; b++) {
            float halfH = 0.5f * heights[b];
            float halfW = 0.5f * widths[b];
            float[] box = {cy - halfH, cx - halfW, cy + halfH, cx + halfW};
            if (settings.normalizeCoordinates()) {
              box[0] *= invH;
              box[1] *= invW;
              box[2] *= invH;
              box[3] *= invW;
            }
            System.arraycopy(box, 0, out, o, 4);
            o += 4;
          }
        }
      }
    }
    return new Anchors(out, perLayer, numAnchorsPerLocation());
  }
}
