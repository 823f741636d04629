package dev.finetune.model;

/**
 * Convolution padding arithmetic: TensorFlow's SAME rule and the API's explicit
 * ({@code fixed_padding}) rule. Pure integer math, shared by the graph and by the shape reports.
 */
public final class Padding {
  private Padding() {}

  /** Output size of a SAME convolution: ceil(in / stride). */
  public static int sameOutputSize(int in, int stride) {
    return (in + stride - 1) / stride;
  }

  /** Output size of a VALID convolution: ceil((in − kernel + 1) / stride). */
  public static int validOutputSize(int in, int kernel, int stride) {
    return (in - kernel + stride) / stride;
  }

  /**
   * The zeros SAME adds before and after one axis: total = max((out−1)·stride + kernel − in, 0),
   * the smaller half before (so odd totals pad one more after).
   */
  public static int[] samePads(int in, int kernel, int stride) {
    int out = sameOutputSize(in, stride);
    int total = Math.max((out - 1) * stride + kernel - in, 0);
    return new int[] {total / 2, total - total / 2};
  }

  /**
   * The API's {@code fixed_padding} (use_explicit_padding): kernel−1 zeros in total whatever the
   * stride, the smaller half before; the convolution that follows is VALID.
   */
  public static int[] fixedPads(int kernel, int rate) {
    int effective = kernel + (kernel - 1) * (rate - 1);
    int total = effective - 1;
    return new int[] {total / 2, total - total / 2};
  }

  /** Bottom/right zeros of {@code pad_to_multiple}: up to the next multiple of {@code m}. */
  public static int padToMultiple(int in, int m) {
    if (m <= 1) {
      return 0;
    }
    return (in + m - 1) / m * m - in;
  }
}
