package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_pad_to_aspect_ratio: zero-pads bottom/right to width/height = aspectRatio, scaled by a
 * factor ~ U[min, max) chosen so each side stays within [minRatio, maxRatio] times the input (as
 * far as the ratio allows); boxes keep pointing at the same pixels.
 */
public record RandomPadToAspectRatio(
    float aspectRatio, float[] minPaddedSizeRatio, float[] maxPaddedSizeRatio)
    implements ExampleTransform {
  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    float h = ex.height();
    float w = ex.width();
    float ratio = w / h;
    float targetH = ratio <= aspectRatio ? h : w / aspectRatio;
    float targetW = ratio >= aspectRatio ? w : h * aspectRatio;
    float minH = Math.max(minPaddedSizeRatio[0] * h, targetH);
    float minW = Math.max(minPaddedSizeRatio[1] * w, targetW);
    float maxH = Math.max(maxPaddedSizeRatio[0] * h, targetH);
    float maxW = Math.max(maxPaddedSizeRatio[1] * w, targetW);
    float maxScale = Math.min(maxH / targetH, maxW / targetW);
    float minScale = Math.min(maxScale, Math.max(minH / targetH, minW / targetW));
    float scale = minScale + rng.nextFloat() * (maxScale - minScale);
    float paddedH = (float) Math.rint(scale * targetH);
    float paddedW = (float) Math.rint(scale * targetW);
    int outH = (int) paddedH;
    int outW = (int) paddedW;
    float[] pixels = ImageOps.pad(ex.pixels(), ex.height(), ex.width(), 0, 0, outH, outW,
        new float[] {0, 0, 0});
    float yScale = 1.0f / (paddedH / h);
    float xScale = 1.0f / (paddedW / w);
    float[] boxes = ex.boxes().clone();
    for (int i = 0; i < boxes.length; i += 2) {
      boxes[i] *= yScale;
      boxes[i + 1] *= xScale;
    }
    return Examples.withBoxes(Examples.withImage(ex, outH, outW, pixels), boxes);
  }
}
