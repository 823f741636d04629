package dev.finetune.model.core;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;

/**
 * The API's {@code faster_rcnn_box_coder}: codes {@code [ty, tx, th, tw]} of a box relative to an
 * anchor, scaled by {@code [y_scale, x_scale, height_scale, width_scale]} (default 10, 10, 5, 5).
 *
 * <p>Encoding adds {@code EPSILON = 1e-8} to all four sizes before dividing (as the API does to avoid
 * NaN); decoding adds none. Every step is float32 in the API's operation order.
 */
public final class FasterRcnnBoxCoder {
  /** The API's EPSILON, as the float32 it becomes when added to a float32 tensor. */
  static final float EPSILON = 1e-8f;

  /** Codes per box. */
  public static final int CODE_SIZE = 4;

  private final float yScale;
  private final float xScale;
  private final float heightScale;
  private final float widthScale;

  public FasterRcnnBoxCoder(float yScale, float xScale, float heightScale, float widthScale) {
    if (!(yScale > 0 && xScale > 0 && heightScale > 0 && widthScale > 0)) {
      throw new IllegalArgumentException("faster_rcnn_box_coder scales must be > 0, got "
          + yScale + ", " + xScale + ", " + heightScale + ", " + widthScale);
    }
    this.yScale = yScale;
    this.xScale = xScale;
    this.heightScale = heightScale;
    this.widthScale = widthScale;
  }

  /** The stock 10, 10, 5, 5 coder. */
  public static FasterRcnnBoxCoder standard() {
    return new FasterRcnnBoxCoder(10f, 10f, 5f, 5f);
  }

  public float[] scales() {
    return new float[] {yScale, xScale, heightScale, widthScale};
  }

  /**
   * Encodes box {@code [ymin, xmin, ymax, xmax]} against anchor {@code a} of {@code anchorGeometry}
   * ({@link Anchors#centersAndSizes()}), writing 4 codes at {@code out[outOffset]}.
   */
  public void encode(float ymin, float xmin, float ymax, float xmax, float[][] anchorGeometry, int a,
      float[] out, int outOffset) {
    float h = ymax - ymin;
    float w = xmax - xmin;
    float yc = ymin + h / 2f;
    float xc = xmin + w / 2f;
    float ha = anchorGeometry[2][a] + EPSILON;
    float wa = anchorGeometry[3][a] + EPSILON;
    h += EPSILON;
    w += EPSILON;
    float tx = (xc - anchorGeometry[1][a]) / wa;
    float ty = (yc - anchorGeometry[0][a]) / ha;
    float tw = (float) Math.log(w / wa);
    float th = (float) Math.log(h / ha);
    out[outOffset] = ty * yScale;
    out[outOffset + 1] = tx * xScale;
    out[outOffset + 2] = th * heightScale;
    out[outOffset + 3] = tw * widthScale;
  }

  /** Decodes codes {@code [N,4]} against the anchors, returning boxes {@code [N,4]} (N = anchors). */
  public float[] decode(float[] codes, float[][] anchorGeometry) {
    int n = anchorGeometry[0].length;
    if (codes.length % (4 * n) != 0) {
      throw new IllegalArgumentException("decode: " + codes.length / 4 + " codes for " + n + " anchors");
    }
    float[] out = new float[codes.length];
    for (int r = 0; r < codes.length / 4; r++) {
      int a = r % n;
      float ty = codes[4 * r] / yScale;
      float tx = codes[4 * r + 1] / xScale;
      float th = codes[4 * r + 2] / heightScale;
      float tw = codes[4 * r + 3] / widthScale;
      float w = (float) Math.exp(tw) * anchorGeometry[3][a];
      float h = (float) Math.exp(th) * anchorGeometry[2][a];
      float yc = ty * anchorGeometry[2][a] + anchorGeometry[0][a];
      float xc = tx * anchorGeometry[3][a] + anchorGeometry[1][a];
      out[4 * r] = yc - h / 2f;
      out[4 * r + 1] = xc - w / 2f;
      out[4 * r + 2] = yc + h / 2f;
      out[4 * r + 3] = xc + w / 2f;
    }
    return out;
  }

  /**
   * Graph decode of box encodings {@code [B, A, 4]} against the anchors: boxes {@code [B, A, 4]}.
   * Same ops and order as the API's {@code _decode}, so results match it to float32 rounding.
   */
  public Operand<TFloat32> decode(Ops tf, Operand<TFloat32> codes, Anchors anchors) {
    float[][] g = anchors.centersAndSizes();
    Operand<TFloat32> yca = tf.constant(g[0]);
    Operand<TFloat32> xca = tf.constant(g[1]);
    Operand<TFloat32> ha = tf.constant(g[2]);
    Operand<TFloat32> wa = tf.constant(g[3]);
    var parts = tf.unstack(codes, 4L, Unstack.axis(-1L)).output();
    Operand<TFloat32> ty = tf.math.div(parts.get(0), tf.constant(yScale));
    Operand<TFloat32> tx = tf.math.div(parts.get(1), tf.constant(xScale));
    Operand<TFloat32> th = tf.math.div(parts.get(2), tf.constant(heightScale));
    Operand<TFloat32> tw = tf.math.div(parts.get(3), tf.constant(widthScale));
    Operand<TFloat32> w = tf.math.mul(tf.math.exp(tw), wa);
    Operand<TFloat32> h = tf.math.mul(tf.math.exp(th), ha);
    Operand<TFloat32> yc = tf.math.add(tf.math.mul(ty, ha), yca);
    Operand<TFloat32> xc = tf.math.add(tf.math.mul(tx, wa), xca);
    Operand<TFloat32> two = tf.constant(2f);
    Operand<TFloat32> halfH = tf.math.div(h, two);
    Operand<TFloat32> halfW = tf.math.div(w, two);
    return tf.stack(List.of(
        tf.math.sub(yc, halfH), tf.math.sub(xc, halfW), tf.math.add(yc, halfH), tf.math.add(xc, halfW)),
        Stack.axis(-1L));
  }
}
