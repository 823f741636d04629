package dev.finetune.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.data.augment.Resize.Coordinates;
import dev.finetune.data.augment.Resize.Method;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.op.image.ResizeArea;
import org.tensorflow.op.image.ResizeBicubic;
import org.tensorflow.op.image.ResizeBilinear;
import org.tensorflow.op.image.ResizeNearestNeighbor;

/** The Java kernels against TF's ResizeBilinear / NearestNeighbor / Bicubic on random images. */
class ResizeTfTest {

  @ParameterizedTest
  @CsvSource({
    "BILINEAR, ASYMMETRIC, 37, 53, 20, 31",
    "BILINEAR, ASYMMETRIC, 17, 23, 40, 29",
    "BILINEAR, HALF_PIXEL, 37, 53, 20, 31",
    "BILINEAR, HALF_PIXEL, 17, 23, 40, 29",
    "BILINEAR, ALIGN_CORNERS, 37, 53, 20, 31",
    "BILINEAR, ALIGN_CORNERS, 17, 23, 40, 29",
    "NEAREST_NEIGHBOR, ASYMMETRIC, 37, 53, 20, 31",
    "NEAREST_NEIGHBOR, HALF_PIXEL, 17, 23, 40, 29",
    "NEAREST_NEIGHBOR, ALIGN_CORNERS, 37, 53, 20, 31",
    "BICUBIC, ASYMMETRIC, 37, 53, 20, 31",
    "BICUBIC, ASYMMETRIC, 17, 23, 40, 29",
    "BICUBIC, HALF_PIXEL, 37, 53, 20, 31",
    "BICUBIC, HALF_PIXEL, 17, 23, 40, 29",
    "BICUBIC, ALIGN_CORNERS, 17, 23, 40, 29",
    "AREA, ASYMMETRIC, 37, 53, 20, 31",
    "AREA, ASYMMETRIC, 17, 23, 40, 29",
    "AREA, ALIGN_CORNERS, 37, 53, 20, 31",
    "AREA, ASYMMETRIC, 64, 48, 16, 12",
  })
  void matchesTensorFlow(Method method, Coordinates coords, int h, int w, int oh, int ow) {
    float[] image = TfReference.randomImage(new Random(7), h, w);
    float[] ours = Resize.resize(image, h, w, oh, ow, method, coords);
    boolean align = coords == Coordinates.ALIGN_CORNERS;
    boolean half = coords == Coordinates.HALF_PIXEL;
    float[] tf = TfReference.run(image, new long[] {1, h, w, 3}, oh * ow * 3, (ops, img) -> {
      var size = ops.constant(new int[] {oh, ow});
      return switch (method) {
        case BILINEAR -> ops.image.resizeBilinear(img, size,
            ResizeBilinear.alignCorners(align), ResizeBilinear.halfPixelCenters(half));
        case NEAREST_NEIGHBOR -> ops.image.resizeNearestNeighbor(img, size,
            ResizeNearestNeighbor.alignCorners(align),
            ResizeNearestNeighbor.halfPixelCenters(half));
        case BICUBIC -> ops.image.resizeBicubic(img, size,
            ResizeBicubic.alignCorners(align), ResizeBicubic.halfPixelCenters(half));
        case AREA -> ops.image.resizeArea(img, size, ResizeArea.alignCorners(align));
      };
    });
    assertThat(TfReference.maxAbsDiff(ours, tf)).isLessThan(1e-3f);
  }

  @ParameterizedTest
  @CsvSource({"ASYMMETRIC", "HALF_PIXEL"})
  void windowResizeEqualsCropThenResize(Coordinates coords) {
    int h = 30;
    int w = 40;
    float[] image = TfReference.randomImage(new Random(3), h, w);
    float[] crop = ImageOps.crop(image, w, 5, 7, 20, 25);
    float[] direct = Resize.resizeWindow(image, w, 5, 7, 20, 25, 11, 13, Method.BILINEAR, coords);
    assertThat(direct).containsExactly(Resize.resize(crop, 20, 25, 11, 13, Method.BILINEAR, coords));
  }
}
