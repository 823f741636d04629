package dev.finetune.model.core;

import dev.finetune.config.ConfigException;
import dev.finetune.proto.Matcher;
import dev.finetune.proto.RegionSimilarityCalculator;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the matcher from {@code model.ssd.matcher} and checks {@code similarity_calculator}. */
public final class MatcherBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(MatcherBuilder.class);
  static final String PATH = "model.ssd.matcher";

  private MatcherBuilder() {}

  public static ArgMaxMatcher build(Matcher config) {
    switch (config.getMatcherOneofCase()) {
      case ARGMAX_MATCHER: {
        var c = config.getArgmaxMatcher();
        String p = PATH + ".argmax_matcher";
        if (!c.getIgnoreThresholds()) {
          if (c.getUnmatchedThreshold() > c.getMatchedThreshold()) {
            throw new ConfigException(p + ".unmatched_threshold (" + c.getUnmatchedThreshold()
                + ") must be <= matched_threshold (" + c.getMatchedThreshold() + ")");
          }
          if (!c.getNegativesLowerThanUnmatched()
              && c.getUnmatchedThreshold() == c.getMatchedThreshold()) {
            throw new ConfigException(p + ": with negatives_lower_than_unmatched: false,"
                + " matched_threshold and unmatched_threshold must differ (both "
                + c.getMatchedThreshold() + ")");
          }
        }
        if (c.getUseMatmulGather()) {
          LOG.warn("{}.use_matmul_gather is ignored: it only changes how the API gathers on TPU,"
              + " not the result", p);
        }
        return new ArgMaxMatcher(new ArgMaxMatcher.Settings(c.getMatchedThreshold(),
            c.getUnmatchedThreshold(), c.getIgnoreThresholds(), c.getNegativesLowerThanUnmatched(),
            c.getForceMatchForEachRow()));
      }
      case MATCHERONEOF_NOT_SET:
        throw new ConfigException(PATH + " is empty: set argmax_matcher { ... }");
      default:
        throw new ConfigException(PATH + "." + config.getMatcherOneofCase().name().toLowerCase(Locale.ROOT)
            + " is not supported; supported: argmax_matcher");
    }
  }

  /** The only region similarity implemented is IoU ({@code iou_similarity}). */
  public static void checkSimilarity(RegionSimilarityCalculator config) {
    String path = "model.ssd.similarity_calculator";
    switch (config.getRegionSimilarityCase()) {
      case IOU_SIMILARITY:
        return;
      case REGIONSIMILARITY_NOT_SET:
        throw new ConfigException(path + " is empty: set iou_similarity {}");
      default:
        throw new ConfigException(path + "." + config.getRegionSimilarityCase().name()
            .toLowerCase(Locale.ROOT) + " is not supported; supported: iou_similarity");
    }
  }
}
