package dev.finetune.checkpoint;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.checkpoint.RestorePlan.Decision;
import dev.finetune.checkpoint.RestorePlan.Entry;
import dev.finetune.checkpoint.RestorePlan.KeyKind;
import dev.finetune.checkpoint.RestorePlan.UnusedKey;
import dev.finetune.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the user sees of a {@link RestorePlan}: the Object Detection API's own log lines, one per
 * skipped variable, word for word (from {@code variables_helper.get_variables_available_in_checkpoint},
 * so scripts that grep them keep working); a one-line summary grouped by layer family; and the whole
 * plan as JSON ({@code model_dir/restore_report.json}).
 */
public final class RestoreReport {
  /** Numbered siblings fold into one family: BoxPredictor_0..5 into BoxPredictor_*. */
  private static final Pattern NUMBERED = Pattern.compile("_\\d+$");
  private static final int MAX_DETAILS = 3;

  private final RestorePlan plan;

  private RestoreReport(RestorePlan plan) {
    this.plan = plan;
  }

  public static RestoreReport of(RestorePlan plan) {
    return new RestoreReport(plan);
  }

  /**
   * One line per selected variable that is not restored, sorted by checkpoint key as the API
   * iterates, in the API's words: {@code Variable [K] is not available in checkpoint}, and {@code
   * Variable [K] is available in checkpoint, but has an incompatible shape with model variable.
   * Checkpoint shape: [[1, 1, 512, 114]], model variable shape: [[1, 1, 512, 18]]. This variable
   * will not be initialized from the checkpoint.} (the API formats Python lists into {@code [%s]},
   * hence the double brackets). K is the checkpoint key, which the API prints (for a
   * classification checkpoint, the name without the model's scope). A dtype mismatch, which the
   * API does not check (its restore fails), gets a line of the same form.
   */
  public List<String> skippedLines() {
    List<Entry> skipped = new ArrayList<>();
    for (Entry e : plan.entries()) {
      if (e.decision() != Decision.RESTORED && e.decision() != Decision.NOT_SELECTED) {
        skipped.add(e);
      }
    }
    skipped.sort(Comparator.comparing(Entry::checkpointKey));
    List<String> lines = new ArrayList<>();
    for (Entry e : skipped) {
      lines.add(switch (e.decision()) {
        case NOT_IN_CHECKPOINT -> "Variable [" + e.checkpointKey() + "] is not available in checkpoint";
        case INCOMPATIBLE_SHAPE -> "Variable [" + e.checkpointKey() + "] is available in checkpoint,"
            + " but has an incompatible shape with model variable. Checkpoint shape: ["
            + pythonList(e.checkpointShape()) + "], model variable shape: ["
            + pythonList(e.variable().shape()) + "]. This variable will not be initialized from"
            + " the checkpoint.";
        case INCOMPATIBLE_DTYPE -> "Variable [" + e.checkpointKey() + "] is available in checkpoint,"
            + " but has an incompatible dtype with model variable. Checkpoint dtype: ["
            + e.checkpointDtype() + "], model variable dtype: [" + e.variable().dtype() + "]. This"
            + " variable will not be initialized from the checkpoint.";
        default -> throw new IllegalStateException(e.decision().name());
      });
    }
    return lines;
  }

  /** Python's {@code str(list)}: {@code [1, 1, 512, 114]}, {@code []}. */
  static String pythonList(long[] shape) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(']').toString();
  }

  /**
   * One line: {@code restored 187/199 variables from model.ckpt (detection): FeatureExtractor
   * 175/175, BoxPredictor_* 12/24 (12 incompatible shape: ClassPredictor [...,114] -> [...,18])},
   * then the moving averages used and the unused keys by kind. Families are the first name
   * component with a trailing {@code _N} folded to {@code _*}; global_step is not counted (never
   * restored when fine-tuning).
   */
  public String summary() {
    List<Entry> counted = plan.entries().stream()
        .filter(e -> !e.name().equals(RestorePlan.GLOBAL_STEP)).toList();
    Map<String, List<Entry>> families = new LinkedHashMap<>();
    for (Entry e : counted) {
      families.computeIfAbsent(family(e.name()), k -> new ArrayList<>()).add(e);
    }
    StringBuilder sb = new StringBuilder("restored ").append(plan.restoredCount()).append('/')
        .append(counted.size()).append(" variables from ")
        .append(plan.checkpointPrefix().getFileName()).append(" (").append(plan.type()).append(')');
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> f : families.entrySet()) {
      parts.add(familyLine(f.getKey(), f.getValue()));
    }
    sb.append(": ").append(String.join(", ", parts));
    int averaged = plan.restoredFromMovingAverages();
    if (plan.options().useMovingAverages()) {
      sb.append("; ").append(averaged).append(" from moving averages (")
          .append(RestorePlan.MOVING_AVERAGE_SUFFIX.substring(1)).append(')');
    }
    if (!plan.unusedKeys().isEmpty()) {
      Map<KeyKind, Integer> kinds = new EnumMap<>(KeyKind.class);
      plan.unusedKeys().forEach(u -> kinds.merge(u.kind(), 1, Integer::sum));
      List<String> k = new ArrayList<>();
      kinds.forEach((kind, n) -> k.add(n + " " + kindWords(kind, n)));
      sb.append("; ").append(plan.unusedKeys().size()).append(" checkpoint keys unused (")
          .append(String.join(", ", k)).append(')');
    }
    return sb.toString();
  }

  private String familyLine(String family, List<Entry> entries) {
    long restored = entries.stream().filter(Entry::restored).count();
    StringBuilder sb = new StringBuilder(family).append(' ').append(restored).append('/')
        .append(entries.size());
    Map<Decision, List<Entry>> byDecision = new EnumMap<>(Decision.class);
    for (Entry e : entries) {
      if (!e.restored()) {
        byDecision.computeIfAbsent(e.decision(), d -> new ArrayList<>()).add(e);
      }
    }
    List<String> why = new ArrayList<>();
    byDecision.forEach((d, list) -> {
      String text = list.size() + " " + d.words();
      if (d == Decision.NOT_SELECTED) {
        text += " by " + plan.type();
      } else if (d == Decision.INCOMPATIBLE_SHAPE) {
        text += ": " + shapeChanges(list);
      } else if (d == Decision.INCOMPATIBLE_DTYPE) {
        text += ": " + dtypeChanges(list);
      }
      why.add(text);
    });
    if (!why.isEmpty()) {
      sb.append(" (").append(String.join("; ", why)).append(')');
    }
    return sb.toString();
  }

  /**
   * Layer name and shape change: {@code ClassPredictor 114 -> 18, 228 -> 36 (last dimension)} when
   * only the last dimension differs (a head with another number of outputs), else whole shapes.
   */
  private static String shapeChanges(List<Entry> list) {
    Map<String, List<Entry>> byLayer = new LinkedHashMap<>();
    for (Entry e : list) {
      byLayer.computeIfAbsent(layer(e.name()), k -> new ArrayList<>()).add(e);
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<Entry>> l : byLayer.entrySet()) {
      boolean lastDim = l.getValue().stream()
          .allMatch(e -> onlyLastDimDiffers(e.checkpointShape(), e.variable().shape()));
      Set<String> changes = new LinkedHashSet<>();
      for (Entry e : l.getValue()) {
        long[] from = e.checkpointShape();
        long[] to = e.variable().shape();
        changes.add(lastDim ? from[from.length - 1] + " -> " + to[to.length - 1]
            : RestorePlan.shapeString(from) + " -> " + RestorePlan.shapeString(to));
      }
      out.add(l.getKey() + " " + firstFew(changes) + (lastDim ? " (last dimension)" : ""));
    }
    return firstLayers(out);
  }

  private static boolean onlyLastDimDiffers(long[] a, long[] b) {
    if (a.length != b.length || a.length == 0) {
      return false;
    }
    for (int i = 0; i < a.length - 1; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  private static String dtypeChanges(List<Entry> list) {
    Map<String, Set<String>> byLayer = new LinkedHashMap<>();
    for (Entry e : list) {
      byLayer.computeIfAbsent(layer(e.name()), k -> new LinkedHashSet<>())
          .add(e.checkpointDtype() + " -> " + e.variable().dtype());
    }
    List<String> out = new ArrayList<>();
    byLayer.forEach((layer, changes) -> out.add(layer + " " + firstFew(changes)));
    return firstLayers(out);
  }

  private static String firstFew(Set<String> changes) {
    List<String> c = new ArrayList<>(changes);
    return String.join(", ", c.subList(0, Math.min(MAX_DETAILS, c.size())))
        + (c.size() > MAX_DETAILS ? ", ..." : "");
  }

  private static String firstLayers(List<String> layers) {
    if (layers.size() <= MAX_DETAILS) {
      return String.join(", ", layers);
    }
    return String.join(", ", layers.subList(0, MAX_DETAILS)) + ", ... "
        + (layers.size() - MAX_DETAILS) + " more layers";
  }

  /** First name component, numbered siblings folded: BoxPredictor_3/... is BoxPredictor_*. */
  static String family(String name) {
    int slash = name.indexOf('/');
    String first = slash < 0 ? name : name.substring(0, slash);
    return NUMBERED.matcher(first).find() ? NUMBERED.matcher(first).replaceFirst("_*") : first;
  }

  /** The layer a variable belongs to: the component before its own name (or the name itself). */
  static String layer(String name) {
    String[] parts = name.split("/");
    if (parts.length < 2) {
      return name;
    }
    String owner = parts[parts.length - 2];
    // BatchNorm variables belong to the conv before them.
    if (owner.equals("BatchNorm") && parts.length >= 3) {
      owner = parts[parts.length - 3];
    }
    return owner;
  }

  private static String kindWords(KeyKind kind, int n) {
    return switch (kind) {
      case OPTIMIZER_SLOT -> "optimizer state";
      case MOVING_AVERAGE -> n == 1 ? "moving average" : "moving averages";
      case GLOBAL_STEP -> "global_step";
      case OTHER -> "other";
    };
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  /**
   * The whole plan: checkpoint path, layout, type, options, counts, warnings, one object per
   * variable (name, shape, dtype, decision, checkpoint key, source key, checkpoint shape and
   * dtype, from_moving_average, reason) and the unused keys (key, kind, shape, dtype).
   */
  public JsonObject toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("checkpoint", plan.checkpointPrefix().toString());
    root.addProperty("layout", plan.layout().id());
    root.addProperty("fine_tune_checkpoint_type", plan.type());
    root.addProperty("use_moving_averages", plan.options().useMovingAverages());
    root.addProperty("fine_tune_checkpoint_version", plan.options().expectedVersion().name());
    root.addProperty("restored", plan.restoredCount());
    root.addProperty("variables", plan.entries().size());
    root.addProperty("summary", summary());
    JsonArray warnings = new JsonArray();
    plan.warnings().forEach(warnings::add);
    root.add("warnings", warnings);
    JsonArray vars = new JsonArray();
    for (Entry e : plan.entries()) {
      JsonObject v = new JsonObject();
      v.addProperty("name", e.name());
      v.add("shape", shape(e.variable().shape()));
      v.addProperty("dtype", e.variable().dtype());
      v.addProperty("decision", e.decision().name().toLowerCase());
      v.addProperty("checkpoint_key", e.checkpointKey());
      v.addProperty("source_key", e.sourceKey());
      v.add("checkpoint_shape", e.checkpointShape() == null ? null : shape(e.checkpointShape()));
      v.addProperty("checkpoint_dtype", e.checkpointDtype());
      v.addProperty("from_moving_average", e.fromMovingAverage());
      v.addProperty("reason", e.reason());
      vars.add(v);
    }
    root.add("variables_detail", vars);
    JsonArray unused = new JsonArray();
    for (UnusedKey u : plan.unusedKeys()) {
      JsonObject k = new JsonObject();
      k.addProperty("key", u.key());
      k.addProperty("kind", u.kind().name().toLowerCase());
      k.add("shape", shape(u.shape()));
      k.addProperty("dtype", u.dtype());
      unused.add(k);
    }
    root.add("unused_keys", unused);
    return root;
  }

  private static JsonArray shape(long[] shape) {
    JsonArray a = new JsonArray();
    for (long d : shape) {
      a.add(d);
    }
    return a;
  }

  /** The JSON text, pretty-printed, nulls kept (a null checkpoint_key says "none"). */
  public String toJsonText() {
    return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create()
        .toJson(toJson()) + "\n";
  }

  /**
   * Writes {@link #toJsonText()} to {@code file} atomically: a temporary file beside it, flushed
   * to disk, renamed into place; a crash leaves the previous report or none, never half of one.
   */
  public void writeJson(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFiles.writeString(file, toJsonText());
  }
}
