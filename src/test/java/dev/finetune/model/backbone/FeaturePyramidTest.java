package dev.finetune.model.backbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.config.ConfigException;
import dev.finetune.model.Activation;
import dev.finetune.model.ConvHyperparams;
import dev.finetune.model.ConvHyperparams.RandomNormal;
import dev.finetune.model.ModelScopes;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.SlimLayers;
import dev.finetune.model.TfTestUtil;
import dev.finetune.model.VariableStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The FPN top-down pathway against the API's formula, computed here in plain Java. */
class FeaturePyramidTest {
  private static final ConvHyperparams RELU_NO_BN =
      new ConvHyperparams(Activation.RELU, Optional.empty(), new RandomNormal(0f, 0.5f),
          Optional.empty());

  @Test
  void nearestNeighbourUpsamplingRepeatsEachValueInA2x2Block() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      float[] in = new float[2 * 3 * 2];
      for (int i = 0; i < in.length; i++) {
        in[i] = i + 1;
      }
      Operand<TFloat32> x = tf.constant(org.tensorflow.ndarray.Shape.of(1, 2, 3, 2),
          org.tensorflow.ndarray.buffer.DataBuffers.of(in));
      Operand<TFloat32> up = FeaturePyramid.upsampleNearest2x(tf, x);
      assertThat(up.shape().asArray()).containsExactly(1, 4, 6, 2);
      try (Result r = s.runner().fetch(up).run()) {
        float[] out = TfTestUtil.floats(r.get(0));
        for (int y = 0; y < 4; y++) {
          for (int xx = 0; xx < 6; xx++) {
            for (int c = 0; c < 2; c++) {
              assertThat(out[(y * 6 + xx) * 2 + c]).isEqualTo(in[((y / 2) * 3 + xx / 2) * 2 + c]);
            }
          }
        }
      }
    }
  }

  @Test
  void topDownMergeEqualsTheFormula() {
    int depth = 3;
    int[] sizes = {8, 4, 2};
    int[] channels = {2, 5, 4};
    Random random = new Random(5);
    float[][] inputs = new float[3][];
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelScopes scopes = new ModelScopes(tf);
      VariableStore store = new VariableStore(scopes, 3);
      SlimLayers layers = new SlimLayers(store, scopes, 3);
      List<Operand<TFloat32>> features = new ArrayList<>();
      for (int l = 0; l < 3; l++) {
        inputs[l] = new float[sizes[l] * sizes[l] * channels[l]];
        for (int i = 0; i < inputs[l].length; i++) {
          inputs[l][i] = (float) random.nextGaussian();
        }
        features.add(tf.constant(
            org.tensorflow.ndarray.Shape.of(1, sizes[l], sizes[l], channels[l]),
            org.tensorflow.ndarray.buffer.DataBuffers.of(inputs[l])));
      }
      List<Operand<TFloat32>> out = FeaturePyramid.topDown(layers, "fpn", features, 5,
          new FeaturePyramid.Convs(depth, false, false, RELU_NO_BN, false));
      assertThat(store.variables().stream().map(ModelVariable::name)).containsExactly(
          "fpn/projection_3/weights", "fpn/projection_3/biases",
          "fpn/projection_2/weights", "fpn/projection_2/biases",
          "fpn/smoothing_2/weights", "fpn/smoothing_2/biases",
          "fpn/projection_1/weights", "fpn/projection_1/biases",
          "fpn/smoothing_1/weights", "fpn/smoothing_1/biases");
      try (Session s = new Session(g)) {
        TfTestUtil.initialize(s, store.variables());
        // Non-zero biases, so a dropped or doubled bias shows.
        for (ModelVariable v : store.variables()) {
          if (v.name().endsWith("biases")) {
            s.runner().addTarget(tf.assign(store.ref(v.name()),
                tf.constant(new float[] {0.3f, -0.2f, 0.1f}))).run();
          }
        }
        float[][] got = new float[3][];
        Session.Runner r = s.runner();
        out.forEach(r::fetch);
        store.variables().forEach(v -> r.fetch(v.value()));
        try (Result res = r.run()) {
          for (int l = 0; l < 3; l++) {
            got[l] = TfTestUtil.floats(res.get(l));
          }
          float[][] w = new float[10][];
          for (int i = 0; i < 10; i++) {
            w[i] = TfTestUtil.floats(res.get(3 + i));
          }
          // Expected: p3 = proj3(f3); t2 = up(p3) + proj2(f2); out2 = relu(conv3(t2));
          // t1 = up(t2) + proj1(f1); out1 = relu(conv3(t1)); out3 = p3.
          double[] p3 = conv(inputs[2], 2, channels[2], w[0], w[1], 1, depth, false);
          double[] t2 = add(up(p3, 2, depth), conv(inputs[1], 4, channels[1], w[2], w[3], 1, depth, false));
          double[] o2 = conv(toFloat(t2), 4, depth, w[4], w[5], 3, depth, true);
          double[] t1 = add(up(t2, 4, depth), conv(inputs[0], 8, channels[0], w[6], w[7], 1, depth, false));
          double[] o1 = conv(toFloat(t1), 8, depth, w[8], w[9], 3, depth, true);
          assertClose(got[2], p3);
          assertClose(got[1], o2);
          assertClose(got[0], o1);
        }
      }
    }
  }

  @Test
  void sizesThatDoNotHalveAreRefusedWithAClearMessage() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      ModelScopes scopes = new ModelScopes(tf);
      SlimLayers layers = new SlimLayers(new VariableStore(scopes, 1), scopes, 1);
      List<Operand<TFloat32>> features = List.of(
          tf.zeros(tf.constant(new int[] {1, 19, 19, 2}), TFloat32.class),
          tf.zeros(tf.constant(new int[] {1, 10, 10, 2}), TFloat32.class));
      assertThatThrownBy(() -> FeaturePyramid.topDown(layers, "fpn", features, 5,
          new FeaturePyramid.Convs(4, false, false, RELU_NO_BN, false)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("20x20 upsampled map into a 19x19")
          .hasMessageContaining("multiples of 32 (the stride of pyramid level 5)");
    }
  }

  private static float[] toFloat(double[] x) {
    float[] f = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      f[i] = (float) x[i];
    }
    return f;
  }

  private static double[] add(double[] a, double[] b) {
    double[] c = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = a[i] + b[i];
    }
    return c;
  }

  private static double[] up(double[] x, int size, int ch) {
    double[] out = new double[4 * size * size * ch];
    for (int y = 0; y < 2 * size; y++) {
      for (int xx = 0; xx < 2 * size; xx++) {
        for (int c = 0; c < ch; c++) {
          out[(y * 2 * size + xx) * ch + c] = x[((y / 2) * size + xx / 2) * ch + c];
        }
      }
    }
    return out;
  }

  /** SAME conv, stride 1, HWIO weights, plus bias, optionally ReLU. */
  private static double[] conv(float[] x, int size, int cin, float[] w, float[] b, int k, int cout,
      boolean relu) {
    double[] out = new double[size * size * cout];
    int pad = (k - 1) / 2;
    for (int y = 0; y < size; y++) {
      for (int xx = 0; xx < size; xx++) {
        for (int o = 0; o < cout; o++) {
          double sum = b[o];
          for (int dy = 0; dy < k; dy++) {
            for (int dx = 0; dx < k; dx++) {
              int sy = y + dy - pad;
              int sx = xx + dx - pad;
              if (sy < 0 || sx < 0 || sy >= size || sx >= size) {
                continue;
              }
              for (int c = 0; c < cin; c++) {
                sum += x[(sy * size + sx) * cin + c] * w[((dy * k + dx) * cin + c) * cout + o];
              }
            }
          }
          out[(y * size + xx) * cout + o] = relu ? Math.max(0, sum) : sum;
        }
      }
    }
    return out;
  }

  private static void assertClose(float[] got, double[] expected) {
    assertThat(got).hasSize(expected.length);
    for (int i = 0; i < got.length; i++) {
      assertThat((double) got[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4));
    }
  }
}
