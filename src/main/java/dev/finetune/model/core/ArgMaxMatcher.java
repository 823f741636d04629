package dev.finetune.model.core;

/**
 * The API's {@code argmax_matcher}: each column (anchor) is matched to the row (groundtruth box) of
 * highest similarity, then thresholded. Results per column: a row index {@code >= 0}, {@link
 * #UNMATCHED} (-1, a negative) or {@link #IGNORED} (-2).
 *
 * <p>Ties go to the lowest index, as TF's argmax does. With {@code force_match_for_each_row}, every
 * valid row claims its best column (even at similarity 0); a column claimed by several rows goes to
 * the lowest such row.
 */
public final class ArgMaxMatcher {
  public static final int UNMATCHED = -1;
  public static final int IGNORED = -2;

  /**
   * Matcher settings. With {@code ignoreThresholds} every column matches its argmax row.
   *
   * @param matchedThreshold columns with similarity >= this are matched
   * @param unmatchedThreshold columns below this are negatives (or ignored, see the flag)
   */
  public record Settings(
      float matchedThreshold,
      float unmatchedThreshold,
      boolean ignoreThresholds,
      boolean negativesLowerThanUnmatched,
      boolean forceMatchForEachRow) {

    public Settings {
      if (!ignoreThresholds) {
        if (unmatchedThreshold > matchedThreshold) {
          throw new IllegalArgumentException("argmax_matcher.unmatched_threshold (" + unmatchedThreshold
              + ") must be <= matched_threshold (" + matchedThreshold + ")");
        }
        if (!negativesLowerThanUnmatched && unmatchedThreshold == matchedThreshold) {
          throw new IllegalArgumentException("argmax_matcher: with negatives_lower_than_unmatched false,"
              + " matched_threshold and unmatched_threshold must differ (both " + matchedThreshold + ")");
        }
      }
    }

    /** The stock SSD matcher: 0.5 / 0.5, force_match_for_each_row. */
    public static Settings stock() {
      return new Settings(0.5f, 0.5f, false, true, true);
    }
  }

  private final Settings settings;

  public ArgMaxMatcher(Settings settings) {
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Matches columns to rows.
   *
   * @param similarity [rows, cols] row-major
   * @param validRows rows that may force a match (groundtruth weight > 0); null: all
   * @return per column: row index, {@link #UNMATCHED} or {@link #IGNORED}
   */
  public int[] match(float[] similarity, int rows, int cols, boolean[] validRows) {
    int[] matches = new int[cols];
    if (rows == 0) {
      java.util.Arrays.fill(matches, UNMATCHED);
      return matches;
    }
    for (int c = 0; c < cols; c++) {
      int best = 0;
      float bestValue = similarity[c];
      for (int r = 1; r < rows; r++) {
        float v = similarity[r * cols + c];
        if (v > bestValue) {
          bestValue = v;
          best = r;
        }
      }
      int m = best;
      if (!settings.ignoreThresholds()) {
        boolean below = bestValue < settings.unmatchedThreshold();
        boolean between = bestValue >= settings.unmatchedThreshold()
            && bestValue < settings.matchedThreshold();
        if (settings.negativesLowerThanUnmatched()) {
          m = below ? UNMATCHED : between ? IGNORED : best;
        } else {
          m = below ? IGNORED : between ? UNMATCHED : best;
        }
      }
      matches[c] = m;
    }
    if (settings.forceMatchForEachRow()) {
      // Highest rows first, so a column picked by several rows ends up with the lowest one.
      for (int r = rows - 1; r >= 0; r--) {
        if (validRows != null && !validRows[r]) {
          continue;
        }
        int bestCol = 0;
        float bestValue = similarity[r * cols];
        for (int c = 1; c < cols; c++) {
          float v = similarity[r * cols + c];
          if (v > bestValue) {
            bestValue = v;
            bestCol = c;
          }
        }
        matches[bestCol] = r;
      }
    }
    return matches;
  }
}
