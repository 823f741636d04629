package dev.finetune.eval;

/**
 * Sums and means in the order numpy computes them, so results match pycocotools and the API to the
 * last bit: numpy's {@code add.reduce} over a contiguous float64 array is a pairwise sum (blocks of
 * at most 128 summed with 8 accumulators, larger arrays split in halves rounded to multiples of 8).
 */
final class NumpySum {
  private static final int BLOCK = 128;

  private NumpySum() {}

  /** {@code np.sum(a[0:n])}. */
  static double sum(double[] a, int n) {
    return 0.0 + pairwise(a, 0, n);
  }

  /** {@code np.mean(a[0:n])}; NaN when n is 0 (numpy warns and returns nan). */
  static double mean(double[] a, int n) {
    return sum(a, n) / n;
  }

  private static double pairwise(double[] a, int from, int n) {
    if (n < 8) {
      double res = 0.0;
      for (int i = 0; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    if (n <= BLOCK) {
      double[] r = new double[8];
      for (int j = 0; j < 8; j++) {
        r[j] = a[from + j];
      }
      int i = 8;
      for (; i < n - (n % 8); i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[from + i + j];
        }
      }
      double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        res += a[from + i];
      }
      return res;
    }
    int n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(a, from, n2) + pairwise(a, from + n2, n - n2);
  }
}
