package dev.finetune.model.core;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.BoxCoder;
import java.util.Locale;

/** Builds the box coder from {@code model.ssd.box_coder}. */
public final class BoxCoderBuilder {
  static final String PATH = "model.ssd.box_coder";

  private BoxCoderBuilder() {}

  public static FasterRcnnBoxCoder build(BoxCoder config) {
    switch (config.getBoxCoderOneofCase()) {
      case FASTER_RCNN_BOX_CODER: {
        var c = config.getFasterRcnnBoxCoder();
        if (!(c.getYScale() > 0 && c.getXScale() > 0 && c.getHeightScale() > 0
            && c.getWidthScale() > 0)) {
          throw new ConfigException(PATH + ".faster_rcnn_box_coder: y_scale, x_scale, height_scale and"
              + " width_scale must all be > 0, got " + c.getYScale() + ", " + c.getXScale() + ", "
              + c.getHeightScale() + ", " + c.getWidthScale());
        }
        return new FasterRcnnBoxCoder(c.getYScale(), c.getXScale(), c.getHeightScale(),
            c.getWidthScale());
      }
      case BOXCODERONEOF_NOT_SET:
        throw new ConfigException(PATH + " is empty: set faster_rcnn_box_coder { ... }");
      default:
        throw new ConfigException(PATH + "." + config.getBoxCoderOneofCase().name().toLowerCase(Locale.ROOT)
            + " is not supported; supported: faster_rcnn_box_coder");
    }
  }
}
