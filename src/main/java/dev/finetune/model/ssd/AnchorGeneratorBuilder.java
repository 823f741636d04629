package dev.finetune.model.ssd;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.AnchorGenerator;

/** Builds the anchor generator from {@code model.ssd.anchor_generator}. */
public final class AnchorGeneratorBuilder {
  static final String PATH = "model.ssd.anchor_generator";

  private AnchorGeneratorBuilder() {}

  static final String SUPPORTED = "ssd_anchor_generator, multiscale_anchor_generator";

  public static dev.finetune.model.ssd.AnchorGenerator build(AnchorGenerator config) {
    switch (config.getAnchorGeneratorOneofCase()) {
      case SSD_ANCHOR_GENERATOR:
        return ssd(config.getSsdAnchorGenerator(), PATH + ".ssd_anchor_generator");
      case MULTISCALE_ANCHOR_GENERATOR:
        return multiscale(
            config.getMultiscaleAnchorGenerator(), PATH + ".multiscale_anchor_generator");
      case ANCHORGENERATORONEOF_NOT_SET:
        throw new ConfigException(PATH + " is empty: set ssd_anchor_generator { ... }");
      default:
        throw new ConfigException(PATH + "." + config.getAnchorGeneratorOneofCase().name()
            .toLowerCase(java.util.Locale.ROOT) + " is not supported for SSD; supported: " + SUPPORTED);
    }
  }

  private static MultiscaleAnchorGenerator multiscale(
      dev.finetune.proto.MultiscaleAnchorGenerator c, String path) {
    if (c.getMinLevel() < 0 || c.getMaxLevel() < c.getMinLevel() || c.getMaxLevel() > 30) {
      throw new ConfigException(path + ": need 0 <= min_level <= max_level <= 30, got min_level "
          + c.getMinLevel() + ", max_level " + c.getMaxLevel());
    }
    if (!(c.getAnchorScale() > 0)) {
      throw new ConfigException(path + ".anchor_scale must be > 0, got " + c.getAnchorScale());
    }
    if (c.getScalesPerOctave() < 1) {
      throw new ConfigException(
          path + ".scales_per_octave must be >= 1, got " + c.getScalesPerOctave());
    }
    if (c.getAspectRatiosCount() == 0) {
      throw new ConfigException(path + ": no aspect_ratios: the levels would have no anchors");
    }
    float[] ratios = new float[c.getAspectRatiosCount()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = c.getAspectRatios(i);
      if (!(ratios[i] > 0)) {
        throw new ConfigException(path + ".aspect_ratios[" + i + "] must be > 0, got " + ratios[i]);
      }
    }
    return new MultiscaleAnchorGenerator(new MultiscaleAnchorGenerator.Settings(
        c.getMinLevel(), c.getMaxLevel(), c.getAnchorScale(), ratios, c.getScalesPerOctave(),
        c.getNormalizeCoordinates()));
  }

  private static SsdAnchorGenerator ssd(dev.finetune.proto.SsdAnchorGenerator c, String path) {
    if (c.getNumLayers() < 1) {
      throw new ConfigException(path + ".num_layers must be >= 1, got " + c.getNumLayers());
    }
    if (c.getScalesCount() == 0 && c.getNumLayers() == 1) {
      throw new ConfigException(path + ": num_layers 1 needs explicit scales (the API divides by"
          + " num_layers - 1 to interpolate min_scale..max_scale)");
    }
    if (c.getScalesCount() == 0 && !(c.getMinScale() > 0 && c.getMaxScale() >= c.getMinScale())) {
      throw new ConfigException(path + ": need 0 < min_scale <= max_scale, got min_scale "
          + c.getMinScale() + ", max_scale " + c.getMaxScale());
    }
    if (c.getScalesCount() != 0 && c.getScalesCount() != c.getNumLayers()) {
      throw new ConfigException(path + ".scales has " + c.getScalesCount() + " values; it needs one per"
          + " layer (num_layers " + c.getNumLayers() + ")");
    }
    boolean needsRatios = c.getNumLayers() > 1 || !c.getReduceBoxesInLowestLayer();
    if (needsRatios && c.getAspectRatiosCount() == 0 && !(c.getInterpolatedScaleAspectRatio() > 0)) {
      throw new ConfigException(path + ": no aspect_ratios and no interpolated_scale_aspect_ratio:"
          + " the layers would have no anchors");
    }
    for (int i = 0; i < c.getAspectRatiosCount(); i++) {
      if (!(c.getAspectRatios(i) > 0)) {
        throw new ConfigException(path + ".aspect_ratios[" + i + "] must be > 0, got "
            + c.getAspectRatios(i));
      }
    }
    checkPairs(path, "height_stride", c.getHeightStrideCount(), "width_stride",
        c.getWidthStrideCount(), c.getNumLayers());
    checkPairs(path, "height_offset", c.getHeightOffsetCount(), "width_offset",
        c.getWidthOffsetCount(), c.getNumLayers());
    if (!(c.getBaseAnchorHeight() > 0 && c.getBaseAnchorWidth() > 0)) {
      throw new ConfigException(path + ": base_anchor_height and base_anchor_width must be > 0");
    }
    float[] scales = new float[c.getScalesCount()];
    for (int i = 0; i < scales.length; i++) {
      scales[i] = c.getScales(i);
    }
    float[] ratios = new float[c.getAspectRatiosCount()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = c.getAspectRatios(i);
    }
    return new SsdAnchorGenerator(new SsdAnchorGenerator.Settings(c.getNumLayers(), c.getMinScale(),
        c.getMaxScale(), scales, ratios, c.getInterpolatedScaleAspectRatio(), c.getBaseAnchorHeight(),
        c.getBaseAnchorWidth(), toArray(c.getHeightStrideList()), toArray(c.getWidthStrideList()),
        toArray(c.getHeightOffsetList()), toArray(c.getWidthOffsetList()),
        c.getReduceBoxesInLowestLayer()));
  }

  private static void checkPairs(String path, String hName, int h, String wName, int w, int layers) {
    if (h != w || (h != 0 && h != layers)) {
      throw new ConfigException(path + ": " + hName + " (" + h + " values) and " + wName + " (" + w
          + " values) must both be empty or both have num_layers (" + layers + ") values");
    }
  }

  private static int[] toArray(java.util.List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
