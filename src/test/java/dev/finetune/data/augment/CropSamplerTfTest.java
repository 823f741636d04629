package dev.finetune.data.augment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.SampleDistortedBoundingBox;
import org.tensorflow.types.TInt32;

/**
 * The sampler against TF's SampleDistortedBoundingBoxV2: the random streams differ, so this
 * compares distributions (mean crop height, width and fallback rate over many draws).
 */
class CropSamplerTfTest {
  private static final int H = 120;
  private static final int W = 200;
  private static final float[] BOX = {0.2f, 0.3f, 0.7f, 0.6f};
  private static final int N = 1500;

  @Test
  void distributionMatchesTensorFlow() {
    double[] tf = new double[3];
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops ops = Ops.create(g);
      var op = ops.image.sampleDistortedBoundingBox(
          ops.constant(new int[] {H, W, 3}),
          ops.constant(new float[][][] {{BOX}}),
          ops.constant(0.5f),
          SampleDistortedBoundingBox.aspectRatioRange(0.5f, 2.0f),
          SampleDistortedBoundingBox.areaRange(0.1f, 1.0f),
          SampleDistortedBoundingBox.maxAttempts(100L),
          SampleDistortedBoundingBox.useImageIfNoBoundingBoxes(true),
          SampleDistortedBoundingBox.seed(1L),
          SampleDistortedBoundingBox.seed2(2L));
      for (int i = 0; i < N; i++) {
        try (Result r = s.runner().fetch(op.sizeOutput()).run()) {
          TInt32 size = (TInt32) r.get(0);
          accumulate(tf, size.getInt(0), size.getInt(1));
        }
      }
    }
    double[] ours = new double[3];
    Random rng = new Random(5);
    for (int i = 0; i < N; i++) {
      CropSampler.Window w = CropSampler.sample(H, W, BOX, 0.5f, 0.5f, 2.0f, 0.1f, 1.0f, rng);
      accumulate(ours, w.height(), w.width());
    }
    // Standard errors of the means are ~1 pixel for N = 1500; allow 4 pixels and 3 points.
    assertThat(ours[0] / N).isCloseTo(tf[0] / N, org.assertj.core.data.Offset.offset(4.0));
    assertThat(ours[1] / N).isCloseTo(tf[1] / N, org.assertj.core.data.Offset.offset(6.0));
    assertThat(ours[2] / N).isCloseTo(tf[2] / N, org.assertj.core.data.Offset.offset(0.03));
  }

  private static void accumulate(double[] sums, int h, int w) {
    sums[0] += h;
    sums[1] += w;
    if (h == H && w == W) {
      sums[2] += 1;
    }
  }
}
