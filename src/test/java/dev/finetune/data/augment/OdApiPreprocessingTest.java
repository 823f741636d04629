package dev.finetune.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.finetune.Fixtures;
import dev.finetune.Npy;
import dev.finetune.data.DetectionExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.EagerSession;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TFloat32;

/**
 * The fixed_shape_resizer against the Object Detection API's own preprocessing of the ducky
 * images (odapi_reference/train_bnfrozen_preprocessed_inputs.npy: decoded, scaled to [-1, 1],
 * resized to 300 x 300 by the API): this pins the TF1 kernel (half_pixel_centers = false). Measured
 * max difference 2.4e-7; with half-pixel centers it would be 1.06.
 */
class OdApiPreprocessingTest {

  @Test
  void fixedShapeResizerMatchesTheApisPreprocessedInputs() throws IOException {
    Path npy = Fixtures.get("odapi_reference/train_bnfrozen_preprocessed_inputs.npy");
    float[] reference = readNpyFloats(npy, 2 * 300 * 300 * 3);
    var resizer = ImageResizers.fixedShape(300, 300, Resize.Method.BILINEAR);
    for (int i = 0; i < 2; i++) {
      DetectionExample ex = decode(Fixtures.get("ducky/train/robertducky" + (i + 1) + ".jpg"));
      float[] ours = resizer.apply(ex, new Random(0)).pixels();
      float max = 0;
      for (int k = 0; k < ours.length; k++) {
        // MobileNet's normalization, done by the model in its graph: 2 / 255 * x - 1.
        float normalized = (2.0f / 255.0f) * ours[k] - 1.0f;
        max = Math.max(max, Math.abs(normalized - reference[i * ours.length + k]));
      }
      assertThat(max).as("image %d", i + 1).isLessThan(1e-5f);
    }
  }

  /** Decodes as the API's example decoder does (TF's DecodeJpeg, 3 channels). */
  static DetectionExample decode(Path jpeg) throws IOException {
    try (EagerSession session = EagerSession.create()) {
      Ops tf = Ops.create(session);
      var image = tf.dtypes.cast(tf.image.decodeJpeg(tf.io.readFile(tf.constant(jpeg.toString())),
          DecodeJpeg.channels(3L)), TFloat32.class);
      TFloat32 t = image.asTensor(); // owned and freed by the eager session
      int h = (int) t.shape().get(0);
      int w = (int) t.shape().get(1);
      float[] pixels = new float[h * w * 3];
      t.copyTo(DataBuffers.of(pixels, false, false));
      return TestExamples.withBoxes(h, w, pixels);
    }
  }

  static float[] readNpyFloats(Path npy, int count) throws IOException {
    return java.util.Arrays.copyOf(Npy.read(npy).floats(), count);
  }

}
