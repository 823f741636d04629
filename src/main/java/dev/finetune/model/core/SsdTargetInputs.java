package dev.finetune.model.core;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The graph placeholders that receive one batch of {@link SsdTargets}, with static shapes, under
 * the name scope {@code Targets} ({@code Targets/cls_targets}, {@code Targets/cls_weights}, {@code
 * Targets/reg_targets}, {@code Targets/reg_weights}, {@code Targets/match}).
 */
public final class SsdTargetInputs {
  public final Operand<TFloat32> clsTargets;
  public final Operand<TFloat32> clsWeights;
  public final Operand<TFloat32> regTargets;
  public final Operand<TFloat32> regWeights;
  public final Operand<TInt32> match;
  private final int batchSize;
  private final int numAnchors;
  private final int numClassesWithBackground;

  private SsdTargetInputs(Ops tf, int batchSize, int numAnchors, int numClassesWithBackground) {
    this.batchSize = batchSize;
    this.numAnchors = numAnchors;
    this.numClassesWithBackground = numClassesWithBackground;
    Ops s = tf.withSubScope("Targets");
    Shape ba = Shape.of(batchSize, numAnchors);
    clsTargets = s.withName("cls_targets").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(batchSize, numAnchors, numClassesWithBackground)));
    clsWeights = s.withName("cls_weights").placeholder(TFloat32.class, Placeholder.shape(ba));
    regTargets = s.withName("reg_targets").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(batchSize, numAnchors, 4)));
    regWeights = s.withName("reg_weights").placeholder(TFloat32.class, Placeholder.shape(ba));
    match = s.withName("match").placeholder(TInt32.class, Placeholder.shape(ba));
  }

  /** Creates the placeholders for batches of {@code batchSize} images. */
  public static SsdTargetInputs create(Ops tf, int batchSize, int numAnchors,
      int numClassesWithBackground) {
    return new SsdTargetInputs(tf, batchSize, numAnchors, numClassesWithBackground);
  }

  public int batchSize() {
    return batchSize;
  }

  public int numAnchors() {
    return numAnchors;
  }

  public int numClassesWithBackground() {
    return numClassesWithBackground;
  }

  /**
   * Tensors holding {@code targets}, to feed with {@link Feed#feedInto}; close after the run.
   */
  public Feed tensorsFor(SsdTargets targets) {
    if (targets.batchSize() != batchSize || targets.numAnchors() != numAnchors
        || targets.numClassesWithBackground() != numClassesWithBackground) {
      throw new IllegalArgumentException("targets [" + targets.batchSize() + ", " + targets.numAnchors()
          + ", " + targets.numClassesWithBackground() + "] do not fit placeholders [" + batchSize + ", "
          + numAnchors + ", " + numClassesWithBackground + "]");
    }
    return new Feed(targets);
  }

  /** The five tensors of one batch of targets. */
  public final class Feed implements AutoCloseable {
    private final List<Tensor> tensors = new ArrayList<>();
    private final TFloat32 clsT;
    private final TFloat32 clsW;
    private final TFloat32 regT;
    private final TFloat32 regW;
    private final TInt32 m;

    private Feed(SsdTargets t) {
      Shape ba = Shape.of(batchSize, numAnchors);
      clsT = add(TFloat32.tensorOf(Shape.of(batchSize, numAnchors, numClassesWithBackground),
          DataBuffers.of(t.clsTargets(), true, false)));
      clsW = add(TFloat32.tensorOf(ba, DataBuffers.of(t.clsWeights(), true, false)));
      regT = add(TFloat32.tensorOf(Shape.of(batchSize, numAnchors, 4),
          DataBuffers.of(t.regTargets(), true, false)));
      regW = add(TFloat32.tensorOf(ba, DataBuffers.of(t.regWeights(), true, false)));
      m = add(TInt32.tensorOf(ba, DataBuffers.of(t.match(), true, false)));
    }

    private <T extends Tensor> T add(T t) {
      tensors.add(t);
      return t;
    }

    /** Adds the five feeds to a runner. */
    public Session.Runner feedInto(Session.Runner runner) {
      return runner.feed(clsTargets, clsT).feed(clsWeights, clsW).feed(regTargets, regT)
          .feed(regWeights, regW).feed(match, m);
    }

    @Override
    public void close() {
      tensors.forEach(Tensor::close);
    }
  }
}
