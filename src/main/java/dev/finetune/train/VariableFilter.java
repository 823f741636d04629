package dev.finetune.train;

import dev.finetune.config.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The freeze rules of {@code train_config}: which trainable variables the optimizer updates.
 *
 * <p>As the API's TF1 {@code model_main.py} ({@code model_lib.py} through tf_slim's {@code
 * filter_variables(reg_search=True)}): start from the trainable variables, keep those matching any
 * {@code update_trainable_variables} pattern when there are any, then drop those matching any
 * {@code freeze_variables} pattern. A pattern matches anywhere in the name (Python {@code
 * re.search}, Java {@link java.util.regex.Matcher#find()}); the older {@code train.py} anchored
 * at the start ({@code re.match}). The API's TF2 trainer ignores both fields; finetune honours them.
 *
 * <p>One difference, on purpose: the API matches against the tensor name ({@code name:0}), so an
 * end-anchored pattern such as {@code "biases$"} matches nothing there; here it matches the
 * variable name users see everywhere else. {@link Result#warnings()} says when a pattern would
 * have matched differently in the API.
 */
public final class VariableFilter {
  /** Field paths, as printed in messages. */
  public static final String UPDATE_FIELD = "update_trainable_variables";
  public static final String FREEZE_FIELD = "freeze_variables";

  private VariableFilter() {}

  /** A variable left out of training, and which rule did it. */
  public record Frozen(String name, String field, String pattern) {
    /** E.g. {@code freeze_variables ".*FeatureExtractor.*"}, or {@code not in update_trainable_variables}. */
    public String why() {
      return pattern == null ? "matches no " + field + " pattern" : field + " \"" + pattern + "\"";
    }
  }

  /** What the rules decide. */
  public record Result(List<String> trainable, List<Frozen> frozen, List<String> unmatchedPatterns,
      List<String> warnings) {
    public Result {
      trainable = List.copyOf(trainable);
      frozen = List.copyOf(frozen);
      unmatchedPatterns = List.copyOf(unmatchedPatterns);
      warnings = List.copyOf(warnings);
    }

    /** How many trainable variables the rules started from. */
    public int candidates() {
      return trainable.size() + frozen.size();
    }

    public boolean isTrainable(String name) {
      return trainable.contains(name);
    }

    /**
     * {@code trainable 24/129 variables (frozen 105 by freeze_variables ".*FeatureExtractor.*")};
     * without freeze rules {@code trainable 129/129 variables (no freeze rules)}.
     */
    public String summary() {
      StringBuilder sb = new StringBuilder("trainable ").append(trainable.size()).append('/')
          .append(candidates()).append(" variables (");
      if (frozen.isEmpty()) {
        return sb.append(unmatchedPatterns.isEmpty() && warnings.isEmpty() ? "no freeze rules"
            : "nothing frozen").append(')').toString();
      }
      Map<String, Integer> byRule = new LinkedHashMap<>();
      for (Frozen f : frozen) {
        byRule.merge(f.why(), 1, Integer::sum);
      }
      List<String> parts = new ArrayList<>();
      byRule.forEach((why, n) -> parts.add(n + " by " + why));
      return sb.append("frozen ").append(String.join(", ", parts)).append(')').toString();
    }
  }

  /**
   * Applies the rules to {@code trainableNames} (the model's trainable variables, in order).
   *
   * @throws ConfigException when a pattern is not a valid regular expression, or when the rules
   *     leave nothing to train (naming the patterns that did it)
   */
  public static Result apply(List<String> trainableNames, List<String> updateTrainableVariables,
      List<String> freezeVariables) {
    List<Pattern> include = compile(UPDATE_FIELD, updateTrainableVariables);
    List<Pattern> exclude = compile(FREEZE_FIELD, freezeVariables);
    int[] includeHits = new int[include.size()];
    int[] excludeHits = new int[exclude.size()];
    List<String> trainable = new ArrayList<>();
    List<Frozen> frozen = new ArrayList<>();
    for (String name : trainableNames) {
      if (!include.isEmpty()) {
        int i = firstMatch(include, name);
        if (i < 0) {
          frozen.add(new Frozen(name, UPDATE_FIELD, null));
          continue;
        }
        includeHits[i]++;
        // Count every include pattern that matches, for the unmatched-pattern warning.
        for (int j = i + 1; j < include.size(); j++) {
          if (include.get(j).matcher(name).find()) {
            includeHits[j]++;
          }
        }
      }
      int e = firstMatch(exclude, name);
      if (e >= 0) {
        frozen.add(new Frozen(name, FREEZE_FIELD, exclude.get(e).pattern()));
        for (int j = e; j < exclude.size(); j++) {
          if (j == e || exclude.get(j).matcher(name).find()) {
            excludeHits[j]++;
          }
        }
        continue;
      }
      trainable.add(name);
    }
    List<String> unmatched = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < include.size(); i++) {
      if (includeHits[i] == 0) {
        unmatched.add(UPDATE_FIELD + " \"" + include.get(i).pattern() + "\"");
      }
    }
    for (int i = 0; i < exclude.size(); i++) {
      if (excludeHits[i] == 0) {
        unmatched.add(FREEZE_FIELD + " \"" + exclude.get(i).pattern() + "\"");
      }
    }
    if (!unmatched.isEmpty()) {
      warnings.add("train_config pattern" + (unmatched.size() > 1 ? "s " : " ")
          + String.join(", ", unmatched) + " match" + (unmatched.size() > 1 ? "" : "es")
          + " no trainable variable; check the spelling against `finetune describe_model`.");
    }
    apiDifferences(UPDATE_FIELD, include, trainableNames, warnings);
    apiDifferences(FREEZE_FIELD, exclude, trainableNames, warnings);
    if (trainable.isEmpty() && !trainableNames.isEmpty()) {
      throw new ConfigException(nothingToTrain(trainableNames.size(), frozen, include, exclude));
    }
    return new Result(trainable, frozen, unmatched, warnings);
  }

  private static String nothingToTrain(int candidates, List<Frozen> frozen, List<Pattern> include,
      List<Pattern> exclude) {
    long byUpdate = frozen.stream().filter(f -> f.field().equals(UPDATE_FIELD)).count();
    List<String> causes = new ArrayList<>();
    if (byUpdate > 0) {
      causes.add("train_config.update_trainable_variables " + quoted(include) + " kept "
          + (candidates - byUpdate) + " of them");
    }
    if (byUpdate < candidates) {
      Map<String, Integer> byPattern = new LinkedHashMap<>();
      frozen.stream().filter(f -> f.field().equals(FREEZE_FIELD))
          .forEach(f -> byPattern.merge(f.pattern(), 1, Integer::sum));
      List<String> parts = new ArrayList<>();
      byPattern.forEach((p, n) -> parts.add("\"" + p + "\" froze " + n));
      causes.add("train_config.freeze_variables " + String.join(", ", parts));
    }
    return "train_config leaves nothing to train: of " + candidates + " trainable variables, "
        + String.join("; then ", causes) + ". Change or remove "
        + (byUpdate == candidates ? "update_trainable_variables" : byUpdate > 0
            ? "update_trainable_variables or freeze_variables" : "freeze_variables")
        + " (patterns match anywhere in the variable name, like Python re.search).";
  }

  private static String quoted(List<Pattern> patterns) {
    return String.join(", ", patterns.stream().map(p -> "\"" + p.pattern() + "\"").toList());
  }

  /** Patterns that would select other variables where the API matches "name:0". */
  private static void apiDifferences(String field, List<Pattern> patterns, List<String> names,
      List<String> warnings) {
    for (Pattern p : patterns) {
      int here = 0;
      int api = 0;
      for (String n : names) {
        here += p.matcher(n).find() ? 1 : 0;
        api += p.matcher(n + ":0").find() ? 1 : 0;
      }
      if (here != api) {
        warnings.add(field + " \"" + p.pattern() + "\" matches " + here + " variables here; the"
            + " Object Detection API matches tensor names (name:0) and would match " + api + ".");
      }
    }
  }

  private static int firstMatch(List<Pattern> patterns, String name) {
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i).matcher(name).find()) {
        return i;
      }
    }
    return -1;
  }

  private static List<Pattern> compile(String field, List<String> patterns) {
    List<Pattern> out = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      try {
        out.add(Pattern.compile(patterns.get(i)));
      } catch (PatternSyntaxException e) {
        throw new ConfigException(
            "train_config." + field + "[" + i + "]: \"" + patterns.get(i) + "\" is not a valid"
                + " regular expression: " + e.getDescription() + " near index " + e.getIndex()
                + ". Patterns are regular expressions matched anywhere in the variable name, e.g."
                + " \".*FeatureExtractor.*\".");
      }
    }
    return out;
  }
}
