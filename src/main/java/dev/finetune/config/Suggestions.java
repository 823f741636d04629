package dev.finetune.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean ...?" for misspelled field names, enum values and override paths. */
public final class Suggestions {
  private Suggestions() {}

  /** Up to {@code max} candidates close to {@code typed}, nearest first; empty when none is close. */
  public static List<String> nearest(String typed, Collection<String> candidates, int max) {
    String t = typed.toLowerCase();
    List<String> close = new ArrayList<>();
    for (String c : candidates) {
      String lc = c.toLowerCase();
      int d = distance(t, lc);
      boolean contains = t.length() >= 4 && (lc.contains(t) || t.contains(lc));
      if (d <= Math.max(2, Math.min(t.length(), lc.length()) / 3) || contains) {
        close.add(c);
      }
    }
    close.sort(
        Comparator.comparingInt((String c) -> distance(t, c.toLowerCase())).thenComparing(c -> c));
    return close.size() > max ? close.subList(0, max) : close;
  }

  /** A sentence fragment for a message: {@code  Did you mean "a" or "b"?}, or "" when none. */
  public static String didYouMean(String typed, Collection<String> candidates) {
    return didYouMean(typed, candidates, "");
  }

  /** As {@link #didYouMean(String, Collection)}, naming each candidate with {@code prefix} first. */
  public static String didYouMean(String typed, Collection<String> candidates, String prefix) {
    List<String> near = nearest(typed, candidates, 3);
    if (near.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(" Did you mean ");
    for (int i = 0; i < near.size(); i++) {
      if (i > 0) {
        sb.append(i == near.size() - 1 ? " or " : ", ");
      }
      sb.append('"').append(prefix).append(near.get(i)).append('"');
    }
    return sb.append('?').toString();
  }

  /** Levenshtein distance, with an adjacent transposition counted as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
