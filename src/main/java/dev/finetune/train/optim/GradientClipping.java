package dev.finetune.train.optim;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * {@code train_config.gradient_clipping_by_norm}: TF1's {@code model_lib} passes it to
 * {@code optimize_loss(clip_gradients=...)}, which calls {@code tf.clip_by_global_norm}. (The legacy
 * {@code train.py} clipped each gradient by its own norm instead; we follow {@code model_main.py}.)
 */
public final class GradientClipping {
  private GradientClipping() {}

  /**
   * The gradients scaled together so their global norm is at most {@code clipNorm}.
   *
   * @param gradients the clipped gradients, same order
   * @param globalNorm the norm before clipping (a summary worth logging)
   */
  public record Clipped(List<Operand<TFloat32>> gradients, Operand<TFloat32> globalNorm) {}

  /**
   * As {@code tf.clip_by_global_norm}: {@code norm = sqrt(sum(2 * l2_loss(g)))},
   * {@code g * clip * min(1 / norm, 1 / clip)}; a NaN or infinite norm makes every gradient NaN
   * (so the NaN guard sees it) instead of silently zeroing them.
   */
  public static Clipped byGlobalNorm(Ops tf, List<Operand<TFloat32>> gradients, float clipNorm) {
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clip norm must be positive, got " + clipNorm);
    }
    Ops scope = tf.withSubScope("clip_by_global_norm");
    List<Operand<TFloat32>> halfSquares = new ArrayList<>();
    for (Operand<TFloat32> g : gradients) {
      halfSquares.add(scope.nn.l2Loss(g));
    }
    Operand<TFloat32> norm = scope.withName("global_norm").math.sqrt(scope.math.mul(
        scope.reduceSum(scope.stack(halfSquares), scope.constant(0)), scope.constant(2f)));
    Operand<TFloat32> clip = scope.constant(clipNorm);
    Operand<TFloat32> one = scope.constant(1f);
    Operand<TFloat32> finiteScale = scope.math.mul(
        clip, scope.math.minimum(scope.math.div(one, norm), scope.math.div(one, clip)));
    // norm - norm is 0, or NaN when the norm is NaN or infinite: TF's NaN propagation.
    Operand<TFloat32> scale = scope.math.add(finiteScale, scope.math.sub(norm, norm));
    List<Operand<TFloat32>> clipped = new ArrayList<>();
    for (Operand<TFloat32> g : gradients) {
      clipped.add(scope.math.mul(g, scale));
    }
    return new Clipped(List.copyOf(clipped), norm);
  }
}
