package dev.finetune.checkpoint;

import dev.finetune.proto.CheckpointVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which model variable comes from which checkpoint key, and why the others do not: decided before
 * anything is loaded, from names, shapes and dtypes only (the checkpoint's index). The trainer,
 * {@code --dry_run}, {@code validate_config} and {@link RestoreReport} all read the same plan;
 * {@link RestoreLoader} applies it.
 *
 * <p>Knows nothing about any network: the model says what it wants restored (the API's {@code
 * restore_map}: checkpoint key to model variable name), the plan compares that with the checkpoint
 * as the API's {@code variables_helper.get_variables_available_in_checkpoint} does (name present,
 * same shape), and adds the dtype check and the keys nothing uses.
 */
public final class RestorePlan {
  /** The shadow-variable suffix TF1's {@code tf.train.ExponentialMovingAverage} saves under. */
  public static final String MOVING_AVERAGE_SUFFIX = "/ExponentialMovingAverage";

  public static final String GLOBAL_STEP = "global_step";

  /**
   * The last name component of TF1 optimizer state: slot variables ({@code <var>/Momentum},
   * {@code <var>/RMSProp_1}, {@code <var>/Adam_1}, ...) and Adam's {@code beta1_power}.
   */
  private static final Pattern OPTIMIZER_STATE = Pattern.compile(
      "(^|/)(Momentum|RMSProp(_\\d+)?|Adam(_\\d+)?|Adagrad(DA)?|Adadelta(_\\d+)?|Ftrl(_\\d+)?"
          + "|ProximalAdagrad|Nadam(_\\d+)?|AdaMax(_\\d+)?|beta[12]_power(_\\d+)?)$");

  /** A model variable as the plan sees it: no TensorFlow object, just what is compared. */
  public record Variable(String name, long[] shape, String dtype) {
    public Variable {
      Objects.requireNonNull(name, "name");
      shape = shape.clone();
      dtype = canonicalDtype(dtype);
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Variable v && name.equals(v.name) && Arrays.equals(shape, v.shape)
          && dtype.equals(v.dtype);
    }

    @Override
    public int hashCode() {
      return name.hashCode();
    }

    @Override
    public String toString() {
      return name + " " + dtype + " " + shapeString(shape);
    }
  }

  /** What happens to one model variable. */
  public enum Decision {
    /** Loaded from {@link Entry#sourceKey()}. */
    RESTORED("restored"),
    /** The checkpoint type does not ask for it (or it is never restored: global_step). */
    NOT_SELECTED("not selected"),
    /** Selected, but its key is not in the checkpoint. */
    NOT_IN_CHECKPOINT("not in checkpoint"),
    /** Selected and present, with another shape. */
    INCOMPATIBLE_SHAPE("incompatible shape"),
    /** Selected and present, same shape, another dtype. */
    INCOMPATIBLE_DTYPE("incompatible dtype");

    private final String words;

    Decision(String words) {
      this.words = words;
    }

    /** As printed in summaries: "not in checkpoint". */
    public String words() {
      return words;
    }
  }

  /**
   * The decision for one model variable.
   *
   * @param checkpointKey the key the model's selection names for it (null when not selected)
   * @param sourceKey the key its value is read from: {@code checkpointKey}, or its moving-average
   *     shadow {@code checkpointKey/ExponentialMovingAverage}; null unless restored
   * @param checkpointShape the shape of {@code checkpointKey} (of the shadow when that is the
   *     source) in the checkpoint; null when absent
   * @param checkpointDtype likewise, canonical name ("float32"); null when absent
   * @param reason one sentence for people, e.g. why it was not selected
   */
  public record Entry(Variable variable, Decision decision, String checkpointKey, String sourceKey,
      long[] checkpointShape, String checkpointDtype, boolean fromMovingAverage, String reason) {
    public String name() {
      return variable.name();
    }

    public boolean restored() {
      return decision == Decision.RESTORED;
    }

    @Override
    public long[] checkpointShape() {
      return checkpointShape == null ? null : checkpointShape.clone();
    }
  }

  /** What kind of checkpoint key nothing uses. */
  public enum KeyKind {
    /** Optimizer state: slots ({@code /Momentum}, {@code /Adam_1}...), {@code beta1_power}. */
    OPTIMIZER_SLOT,
    /** A moving-average shadow ({@code /ExponentialMovingAverage}). */
    MOVING_AVERAGE,
    GLOBAL_STEP,
    /** A value some model variable could have used had its name, shape and dtype matched. */
    OTHER
  }

  /** A checkpoint key no model variable is restored from. */
  public record UnusedKey(String key, KeyKind kind, long[] shape, String dtype) {}

  /** How to plan, beyond the model's selection. */
  public record Options(boolean useMovingAverages, CheckpointVersion expectedVersion) {
    public Options {
      Objects.requireNonNull(expectedVersion, "expectedVersion");
    }

    /** Raw values (no moving averages), V1 (TF1 name-based) expected: the config defaults. */
    public static Options defaults() {
      return new Options(false, CheckpointVersion.V1);
    }

    public Options withMovingAverages(boolean use) {
      return new Options(use, expectedVersion);
    }

    public Options withExpectedVersion(CheckpointVersion version) {
      return new Options(useMovingAverages, version);
    }
  }

  private final Path checkpointPrefix;
  private final CheckpointLayout layout;
  private final String type;
  private final Options options;
  private final List<Entry> entries;
  private final List<UnusedKey> unusedKeys;
  private final List<String> warnings;
  private final List<String> checkpointKeysSample;

  private RestorePlan(Path checkpointPrefix, CheckpointLayout layout, String type, Options options,
      List<Entry> entries, List<UnusedKey> unusedKeys, List<String> warnings,
      List<String> checkpointKeysSample) {
    this.checkpointPrefix = checkpointPrefix;
    this.layout = layout;
    this.type = type;
    this.options = options;
    this.entries = List.copyOf(entries);
    this.unusedKeys = List.copyOf(unusedKeys);
    this.warnings = List.copyOf(warnings);
    this.checkpointKeysSample = List.copyOf(checkpointKeysSample);
  }

  /**
   * Plans the restore of {@code variables} from {@code checkpoint}.
   *
   * @param checkpoint the opened fine-tune checkpoint ({@link CheckpointReader#open} resolves a
   *     prefix, a file or a directory's latest checkpoint); only its index is read
   * @param type the resolved {@code fine_tune_checkpoint_type} (for messages: the selection is
   *     already made by the model)
   * @param variables every model variable
   * @param selection checkpoint key to model variable name, from the model's restore map; a
   *     variable absent from it is {@link Decision#NOT_SELECTED}
   * @throws CheckpointException when the checkpoint's layout cannot be restored (TF2 object-based)
   * @throws IllegalArgumentException when the selection names an unknown variable, or two keys one
   *     variable (a bug in the model's restore map)
   */
  public static RestorePlan plan(CheckpointReader checkpoint, String type, List<Variable> variables,
      Map<String, String> selection, Options options) {
    CheckpointLayout layout = checkpoint.layout();
    List<String> warnings = new ArrayList<>();
    checkLayout(checkpoint.prefix(), layout, options.expectedVersion(), warnings);
    Map<String, TensorEntry> index = new LinkedHashMap<>();
    for (TensorEntry e : checkpoint.entries()) {
      index.put(e.name(), e);
    }
    return plan(checkpoint.prefix(), layout, index, type, variables, selection, options, warnings);
  }

  static RestorePlan plan(Path prefix, CheckpointLayout layout, Map<String, TensorEntry> index,
      String type, List<Variable> variables, Map<String, String> selection, Options options,
      List<String> warnings) {
    Map<String, Variable> byName = new LinkedHashMap<>();
    for (Variable v : variables) {
      if (byName.put(v.name(), v) != null) {
        throw new IllegalArgumentException("two model variables are named " + v.name());
      }
    }
    Map<String, String> keyOf = new HashMap<>(); // variable name -> selected checkpoint key
    for (Map.Entry<String, String> s : selection.entrySet()) {
      if (!byName.containsKey(s.getValue())) {
        throw new IllegalArgumentException(
            "the restore map names " + s.getValue() + " (for checkpoint key " + s.getKey()
                + "), which is not a model variable");
      }
      String previous = keyOf.put(s.getValue(), s.getKey());
      if (previous != null) {
        throw new IllegalArgumentException(
            "the restore map restores " + s.getValue() + " from two keys: " + previous + " and "
                + s.getKey());
      }
    }
    Set<String> used = new HashSet<>();
    List<Entry> entries = new ArrayList<>();
    for (Variable v : byName.values()) {
      String key = keyOf.get(v.name());
      Entry entry = decide(v, key, index, type, options.useMovingAverages());
      if (entry.restored()) {
        used.add(entry.sourceKey());
      }
      entries.add(entry);
    }
    List<UnusedKey> unused = new ArrayList<>();
    for (TensorEntry e : index.values()) {
      if (!used.contains(e.name()) && !e.name().equals(CheckpointReader.OBJECT_GRAPH_KEY)) {
        unused.add(new UnusedKey(e.name(), kindOf(e.name()), e.shape(), canonicalDtype(e.dtypeName())));
      }
    }
    List<String> sample = index.keySet().stream()
        .filter(k -> kindOf(k) == KeyKind.OTHER && !k.equals(CheckpointReader.OBJECT_GRAPH_KEY))
        .limit(5).toList();
    return new RestorePlan(prefix, layout, type, options, entries, unused, warnings, sample);
  }

  private static Entry decide(Variable v, String key, Map<String, TensorEntry> index, String type,
      boolean useMovingAverages) {
    if (key == null) {
      String why = v.name().equals(GLOBAL_STEP)
          ? "global_step is never restored from a fine-tune checkpoint: training starts at step 0"
          : "fine_tune_checkpoint_type \"" + type + "\" does not restore it";
      return new Entry(v, Decision.NOT_SELECTED, null, null, null, null, false, why);
    }
    KeyKind kind = kindOf(key);
    if (kind != KeyKind.OTHER) {
      String why = switch (kind) {
        case GLOBAL_STEP -> "global_step is never restored from a fine-tune checkpoint: training"
            + " starts at step 0";
        case OPTIMIZER_SLOT -> "optimizer state (" + key + ") is never restored from a fine-tune"
            + " checkpoint";
        default -> "a moving-average shadow (" + key + ") is never restored as an ordinary value";
      };
      return new Entry(v, Decision.NOT_SELECTED, key, null, null, null, false, why);
    }
    TensorEntry e = index.get(key);
    if (e == null) {
      return new Entry(v, Decision.NOT_IN_CHECKPOINT, key, null, null, null, false,
          "key " + key + " is not in the checkpoint");
    }
    boolean fromAverage = false;
    if (useMovingAverages) {
      TensorEntry shadow = index.get(key + MOVING_AVERAGE_SUFFIX);
      if (shadow != null) {
        e = shadow;
        fromAverage = true;
      }
    }
    long[] shape = e.shape();
    String dtype = canonicalDtype(e.dtypeName());
    if (!Arrays.equals(shape, v.shape())) {
      return new Entry(v, Decision.INCOMPATIBLE_SHAPE, key, null, shape, dtype, fromAverage,
          "checkpoint shape " + shapeString(shape) + ", model shape " + shapeString(v.shape()));
    }
    if (!dtype.equals(v.dtype())) {
      return new Entry(v, Decision.INCOMPATIBLE_DTYPE, key, null, shape, dtype, fromAverage,
          "checkpoint dtype " + dtype + ", model dtype " + v.dtype());
    }
    return new Entry(v, Decision.RESTORED, key, e.name(), shape, dtype, fromAverage,
        fromAverage ? "from its moving average " + e.name() : "from " + key);
  }

  /** What a checkpoint key is, from its name alone. */
  public static KeyKind kindOf(String key) {
    if (key.equals(GLOBAL_STEP)) {
      return KeyKind.GLOBAL_STEP;
    }
    if (key.endsWith(MOVING_AVERAGE_SUFFIX)) {
      return KeyKind.MOVING_AVERAGE;
    }
    if (OPTIMIZER_STATE.matcher(key).find()) {
      return KeyKind.OPTIMIZER_SLOT;
    }
    return KeyKind.OTHER;
  }

  /**
   * A TF2 object-based checkpoint names objects, not graph variables: there is no sound mapping
   * from its paths onto the TF1 names the model restores by, so it is refused with what works.
   * The declared {@code fine_tune_checkpoint_version} is checked against what was found.
   */
  private static void checkLayout(Path prefix, CheckpointLayout layout, CheckpointVersion version,
      List<String> warnings) {
    if (layout == CheckpointLayout.TF2) {
      String declared = version == CheckpointVersion.V2
          ? "fine_tune_checkpoint_version is V2, which is right for this file, but finetune"
              + " cannot map it: "
          : "fine_tune_checkpoint_version is " + version.name() + (version == CheckpointVersion.V1
              ? " (the default), which says TF1 name-based, but the file is not; and finetune"
                  + " could not map it anyway: "
              : ", which names no layout; and finetune could not map it anyway: ");
      throw new CheckpointException(
          "fine_tune_checkpoint " + prefix + " is a TF2 object-based checkpoint (it has "
              + CheckpointReader.OBJECT_GRAPH_KEY + "; keys are object paths such as"
              + " model/_feature_extractor/.../.ATTRIBUTES/VARIABLE_VALUE, as model_main_tf2.py and"
              + " the TF2 model zoo write them). " + declared + "its object paths come from Keras"
              + " layers whose names and order differ from the TF1 graph variable names this model"
              + " restores by (e.g. FeatureExtractor/MobilenetV1/Conv2d_0/weights), and guessing a"
              + " mapping could load wrong weights silently. Checkpoints that restore: a TF1"
              + " name-based checkpoint written by model_main.py or train.py, a TF1 model zoo"
              + " detection checkpoint (e.g. ssd_mobilenet_v1_coco_2018_01_28/model.ckpt) with"
              + " fine_tune_checkpoint_type: \"detection\", a TF-Slim classification checkpoint"
              + " (e.g. mobilenet_v1_1.0_224.ckpt) with fine_tune_checkpoint_type:"
              + " \"classification\", or a checkpoint finetune wrote. Point fine_tune_checkpoint"
              + " at one of those (and set fine_tune_checkpoint_version: V1, or remove it).");
    }
    if (version == CheckpointVersion.V2) {
      warnings.add("fine_tune_checkpoint_version is V2 (TF2 object-based), but " + prefix
          + " is a TF1 name-based checkpoint; restoring it by name as V1. Set"
          + " fine_tune_checkpoint_version: V1 (or remove it) to silence this warning.");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the plan

  /** The checkpoint prefix the plan was made against. */
  public Path checkpointPrefix() {
    return checkpointPrefix;
  }

  public CheckpointLayout layout() {
    return layout;
  }

  /** The resolved {@code fine_tune_checkpoint_type}. */
  public String type() {
    return type;
  }

  public Options options() {
    return options;
  }

  /** One decision per model variable, in the order the variables were given. */
  public List<Entry> entries() {
    return entries;
  }

  /** The restored entries: what {@link RestoreLoader} loads. */
  public List<Entry> restored() {
    return entries.stream().filter(Entry::restored).toList();
  }

  public int restoredCount() {
    return (int) entries.stream().filter(Entry::restored).count();
  }

  /** How many restored values are moving-average shadows. */
  public int restoredFromMovingAverages() {
    return (int) entries.stream().filter(e -> e.restored() && e.fromMovingAverage()).count();
  }

  /** Whether nothing restores: the caller refuses unless the user consents. */
  public boolean isEmpty() {
    return restoredCount() == 0;
  }

  public Optional<Entry> entry(String variableName) {
    return entries.stream().filter(e -> e.name().equals(variableName)).findFirst();
  }

  /** Entries with decision {@code d}. */
  public List<Entry> withDecision(Decision d) {
    return entries.stream().filter(e -> e.decision() == d).toList();
  }

  /** Checkpoint keys no variable is restored from (the object graph key of TF2 excluded). */
  public List<UnusedKey> unusedKeys() {
    return unusedKeys;
  }

  /** Things the user should know that do not stop the restore (version/layout disagreement). */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * Why nothing restores and what to change: every selected variable missing (another network,
   * or the wrong fine_tune_checkpoint_type: found by comparing names with a scope added or
   * removed), shapes all different, or nothing selected. A few model names are shown next to a
   * few checkpoint keys.
   */
  public String whyEmpty() {
    List<Entry> selected = entries.stream()
        .filter(e -> e.decision() != Decision.NOT_SELECTED).toList();
    String where = "fine_tune_checkpoint " + checkpointPrefix + " (fine_tune_checkpoint_type \""
        + type + "\")";
    if (selected.isEmpty()) {
      return "nothing restores from " + where + ": that type selects none of the model's "
          + entries.size() + " variables. Use fine_tune_checkpoint_type \"detection\" for a"
          + " detection checkpoint or \"classification\" for an image classifier's.";
    }
    Map<Decision, Integer> counts = new TreeMap<>();
    for (Entry e : selected) {
      counts.merge(e.decision(), 1, Integer::sum);
    }
    StringBuilder sb = new StringBuilder("nothing restores from ").append(where).append(": of ")
        .append(selected.size()).append(" selected variables, ");
    List<String> parts = new ArrayList<>();
    counts.forEach((d, n) -> parts.add(n + " " + d.words()));
    sb.append(String.join(", ", parts)).append(". ");
    if (counts.getOrDefault(Decision.NOT_IN_CHECKPOINT, 0) == selected.size()) {
      sb.append(nameMismatchHint(selected));
    } else {
      Entry first = selected.stream().filter(e -> e.decision() != Decision.NOT_IN_CHECKPOINT)
          .findFirst().orElseThrow();
      sb.append("The names match but not the values: e.g. ").append(first.name()).append(": ")
          .append(first.reason()).append(". The checkpoint is from the same network with other"
              + " settings (depth_multiplier, num_classes, ...): use a checkpoint of this"
              + " configuration, or change the model config to match it.");
    }
    return sb.toString();
  }

  private String nameMismatchHint(List<Entry> selected) {
    Set<String> keys = new HashSet<>();
    unusedKeys.forEach(u -> keys.add(u.key()));
    int longer = 0;
    int shorter = 0;
    for (Entry e : selected) {
      String k = e.checkpointKey();
      for (String c : keys) {
        if (c.endsWith("/" + k)) {
          longer++;
          break;
        }
        if (k.endsWith("/" + c)) {
          shorter++;
          break;
        }
      }
    }
    String names = "Model expects keys such as " + String.join(", ", selected.stream().limit(3)
        .map(Entry::checkpointKey).toList()) + "; the checkpoint has "
        + (checkpointKeysSample.isEmpty() ? "no variables"
            : String.join(", ", checkpointKeysSample.subList(0, Math.min(3, checkpointKeysSample.size()))))
        + ". ";
    if (longer * 2 >= selected.size()) {
      return names + "The checkpoint's names carry an extra scope: it looks like a detection"
          + " checkpoint; set fine_tune_checkpoint_type: \"detection\".";
    }
    if (shorter * 2 >= selected.size()) {
      return names + "The checkpoint's names lack the model's scope: it looks like an image"
          + " classifier's checkpoint; set fine_tune_checkpoint_type: \"classification\".";
    }
    return names + "It is a checkpoint of another network: point fine_tune_checkpoint at a"
        + " checkpoint of this model's feature extractor (or remove fine_tune_checkpoint to train"
        + " from scratch).";
  }

  /** Throws a {@link CheckpointException} with {@link #whyEmpty()} and {@code consent} when empty. */
  public RestorePlan requireNotEmpty(String consent) {
    if (isEmpty()) {
      throw new CheckpointException(whyEmpty() + (consent.isEmpty() ? "" : " " + consent));
    }
    return this;
  }

  // ---------------------------------------------------------------------------------------------
  // Names

  /** TensorFlow's dtype names, as Python prints them: "float" and TFloat32 become "float32". */
  public static String canonicalDtype(String dtype) {
    String d = dtype.toLowerCase(Locale.ROOT);
    if (d.startsWith("t") && !d.equals("tstring") && DTYPE_CLASS.containsKey(d)) {
      return DTYPE_CLASS.get(d);
    }
    return switch (d) {
      case "float" -> "float32";
      case "double" -> "float64";
      case "half" -> "float16";
      case "tstring" -> "string";
      default -> d;
    };
  }

  private static final Map<String, String> DTYPE_CLASS = Collections.unmodifiableMap(Map.ofEntries(
      Map.entry("tfloat32", "float32"), Map.entry("tfloat64", "float64"),
      Map.entry("tfloat16", "float16"), Map.entry("tbfloat16", "bfloat16"),
      Map.entry("tint32", "int32"), Map.entry("tint64", "int64"), Map.entry("tuint8", "uint8"),
      Map.entry("tuint16", "uint16"), Map.entry("tbool", "bool")));

  /** {@code [3,3,32,64]}, {@code []} for a scalar. */
  public static String shapeString(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return sb.append(']').toString();
  }
}
