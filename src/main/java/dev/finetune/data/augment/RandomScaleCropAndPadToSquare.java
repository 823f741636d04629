package dev.finetune.data.augment;

import dev.finetune.data.DetectionExample;
import dev.finetune.data.ExampleTransform;
import java.util.Random;

/**
 * random_scale_crop_and_pad_to_square (EfficientDet): s ~ U[scaleMin, scaleMax); the image is
 * resized (bilinear, TF1 kernel) so its long side is s * outputSize, a random outputSize square is
 * cut from it when larger, and the result is zero-padded bottom/right to outputSize x outputSize.
 * Boxes move into the square's frame; those completely outside are dropped, the rest clipped.
 */
public record RandomScaleCropAndPadToSquare(int outputSize, float scaleMin, float scaleMax)
    implements ExampleTransform {

  @Override
  public DetectionExample apply(DetectionExample ex, Random rng) {
    int h = ex.height();
    int w = ex.width();
    float s = scaleMin + rng.nextFloat() * (scaleMax - scaleMin);
    float maxDim = (float) Math.max(h, w);
    int scaledH = Math.max(1, (int) (s * outputSize * ((float) h / maxDim)));
    int scaledW = Math.max(1, (int) (s * outputSize * ((float) w / maxDim)));
    int offsetY = (int) (Math.max(0.0f, (float) (scaledH - outputSize)) * rng.nextFloat());
    int offsetX = (int) (Math.max(0.0f, (float) (scaledW - outputSize)) * rng.nextFloat());
    float[] scaled = Resize.resize(ex.pixels(), h, w, scaledH, scaledW, Resize.Method.BILINEAR,
        Resize.Coordinates.ASYMMETRIC);
    int keptH = Math.min(outputSize, scaledH - offsetY);
    int keptW = Math.min(outputSize, scaledW - offsetX);
    float[] out = new float[outputSize * outputSize * 3];
    for (int y = 0; y < keptH; y++) {
      System.arraycopy(scaled, ((offsetY + y) * scaledW + offsetX) * 3, out, y * outputSize * 3,
          keptW * 3);
    }
    float wy0 = (float) offsetY / (float) scaledH;
    float wx0 = (float) offsetX / (float) scaledW;
    float wy1 = (float) (offsetY + outputSize) / (float) scaledH;
    float wx1 = (float) (offsetX + outputSize) / (float) scaledW;
    return BoxWindow.reframeDropOutsideClip(ex, outputSize, outputSize, out, wy0, wx0, wy1, wx1);
  }
}
