package dev.finetune.checkpoint;

import dev.finetune.checkpoint.RestorePlan.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TString;

/**
 * Applies a {@link RestorePlan}: one {@code Assign} per restored variable, fed by TensorFlow's
 * {@code RestoreV2} op reading the plan's source keys (CRC-checked by TensorFlow's bundle reader,
 * so the variable ends bit-identical to the checkpoint), all in one {@code Session.run}.
 *
 * <p>Build it on the graph before the session's first run (adding ops later is what the project
 * avoids), then {@link #load} once, after the initializers: variables the plan does not restore
 * keep their initial values. Works on names and graph operands only, never on model classes.
 *
 * <p>Two methods were measured side by side (scripts/bench_restore.sh, the 199-variable pets
 * model, 24 MB): the {@code RestoreV2} op ({@link Method#RESTORE_V2}, the default) was 1.8x faster
 * than the project's Java reader filling tensors fed to the Assign ops ({@link Method#FEED}) in
 * both runs (79 vs 144 ms, 60 vs 106 ms, warm, on a 2-core machine at load 18): a fed tensor is
 * still referenced by Java, so Assign must copy it, while RestoreV2's fresh output is moved into
 * the variable. The first load of a session also pays ~1 s of graph pruning.
 */
public final class RestoreLoader {
  /** How values get from the file into the variables. */
  public enum Method {
    /** The Java reader fills tensors that are fed to Assign ops. */
    FEED,
    /** A {@code RestoreV2} op reads the file inside TensorFlow; its outputs feed Assign ops. */
    RESTORE_V2
  }

  /** Feeds at most this many bytes per {@code Session.run}, to bound the memory held at once. */
  static final long MAX_BYTES_PER_RUN = 256L << 20;

  private record Target(Entry entry, Output<?> value, GraphOperation assign, long bytes) {}

  private final RestorePlan plan;
  private final Method method;
  private final List<Target> targets;
  private final Output<TString> prefixInput; // RESTORE_V2 only

  private RestoreLoader(RestorePlan plan, Method method, List<Target> targets,
      Output<TString> prefixInput) {
    this.plan = plan;
    this.method = method;
    this.targets = targets;
    this.prefixInput = prefixInput;
  }

  /** {@link #build(Graph, RestorePlan, Map, Method)} with {@link Method#RESTORE_V2}. */
  public static RestoreLoader build(Graph graph, RestorePlan plan,
      Map<String, ? extends Operand<?>> variables) {
    return build(graph, plan, variables, Method.RESTORE_V2);
  }

  /**
   * Adds the restore ops to {@code graph}, under the name scope {@code fine_tune_restore}.
   *
   * @param variables model variable name to its ref-typed variable ({@code VariableV2}, e.g.
   *     {@code ModelVariable.variable()}); must hold every variable the plan restores
   * @throws IllegalArgumentException when a restored variable has no target, or a target's dtype
   *     is not the plan's (a caller bug: the plan was made from other variables)
   */
  public static RestoreLoader build(Graph graph, RestorePlan plan,
      Map<String, ? extends Operand<?>> variables, Method method) {
    Scope scope = Ops.create(graph).withSubScope("fine_tune_restore").scope();
    List<Entry> restored = plan.restored();
    List<Output<?>> values = new ArrayList<>();
    Output<TString> prefixInput = null;
    if (method == Method.RESTORE_V2 && !restored.isEmpty()) {
      prefixInput = graph.<TString>opBuilder("Placeholder", scope.makeOpName("prefix"), scope)
          .setAttr("dtype", DataType.DT_STRING).setAttr("shape", Shape.scalar())
          .build().output(0);
      String[] names = restored.stream().map(Entry::sourceKey).toArray(String[]::new);
      String[] slices = new String[names.length];
      java.util.Arrays.fill(slices, "");
      DataType[] dtypes = restored.stream().map(e -> dataType(e.checkpointDtype()))
          .toArray(DataType[]::new);
      Ops tf = Ops.create(graph).withSubScope("fine_tune_restore");
      GraphOperation restore = graph.opBuilder("RestoreV2", scope.makeOpName("RestoreV2"), scope)
          .addInput(prefixInput)
          .addInput(tf.constant(NdArrays.vectorOfObjects(names)).asOutput())
          .addInput(tf.constant(NdArrays.vectorOfObjects(slices)).asOutput())
          .setAttr("dtypes", dtypes)
          .build();
      for (int i = 0; i < names.length; i++) {
        values.add(restore.output(i));
      }
    }
    List<Target> targets = new ArrayList<>();
    for (int i = 0; i < restored.size(); i++) {
      Entry e = restored.get(i);
      Operand<?> ref = variables.get(e.name());
      if (ref == null) {
        throw new IllegalArgumentException(
            "the restore plan restores " + e.name() + " but no graph variable was given for it");
      }
      DataType want = dataType(e.checkpointDtype());
      DataType got = baseType(ref.asOutput().dataType());
      if (got != want) {
        throw new IllegalArgumentException(
            "graph variable " + e.name() + " is " + got + " but the plan restores it as " + want);
      }
      Output<?> value = method == Method.FEED
          ? graph.opBuilder("Placeholder", scope.makeOpName("value"), scope)
              .setAttr("dtype", want).setAttr("shape", Shape.of(e.variable().shape()))
              .build().output(0)
          : values.get(i);
      GraphOperation assign = graph.opBuilder("Assign", scope.makeOpName("Assign"), scope)
          .addInput(ref.asOutput()).addInput(value)
          .setAttr("validate_shape", true).setAttr("use_locking", true)
          .build();
      long elements = 1;
      for (long d : e.variable().shape()) {
        elements *= d;
      }
      targets.add(new Target(e, value, assign, elements * Math.max(1, elementSize(want))));
    }
    return new RestoreLoader(plan, method, List.copyOf(targets), prefixInput);
  }

  /**
   * Loads every restored variable. Run after the variables' initializers and before training.
   *
   * @param checkpoint the checkpoint the plan was made against (the same prefix)
   * @return the number of variables restored
   * @throws CheckpointException when a value cannot be read (corrupt data) or assigned
   */
  public int load(Session session, CheckpointReader checkpoint) {
    return load(session, checkpoint, plan);
  }

  /**
   * Loads from another checkpoint than the one the loader was built for, without adding ops: the
   * evaluator restores each new checkpoint of a run into the same graph.
   *
   * @param planForIt the plan made against {@code checkpoint}; it must restore the same source keys
   *     into the same variables with the same dtypes as this loader's plan (see {@link #accepts})
   * @throws IllegalArgumentException when it does not
   */
  public int load(Session session, CheckpointReader checkpoint, RestorePlan planForIt) {
    // RESTORE_V2 reads checkpoint.prefix() inside TensorFlow; FEED reads values through the reader.
    if (planForIt != plan && !accepts(planForIt)) {
      throw new IllegalArgumentException(
          "the plan for " + planForIt.checkpointPrefix() + " restores other keys than the plan this"
              + " loader was built for (" + plan.checkpointPrefix() + ")");
    }
    if (!checkpoint.prefix().equals(planForIt.checkpointPrefix())) {
      throw new IllegalArgumentException(
          "the plan was made for " + planForIt.checkpointPrefix() + ", not " + checkpoint.prefix());
    }
    if (targets.isEmpty()) {
      return 0;
    }
    try {
      if (method == Method.RESTORE_V2) {
        runRestoreV2(session, checkpoint);
      } else {
        runFeeds(session, checkpoint);
      }
    } catch (TensorFlowException ex) {
      throw new CheckpointException(
          "restoring " + targets.size() + " variables from " + checkpoint.prefix() + " failed: "
              + ex.getMessage(), ex);
    }
    return targets.size();
  }

  /** Whether {@code other} restores exactly what this loader's ops assign (same keys, variables, dtypes). */
  public boolean accepts(RestorePlan other) {
    List<Entry> mine = plan.restored();
    List<Entry> theirs = other.restored();
    if (mine.size() != theirs.size()) {
      return false;
    }
    for (int i = 0; i < mine.size(); i++) {
      Entry a = mine.get(i);
      Entry b = theirs.get(i);
      if (!a.name().equals(b.name()) || !a.sourceKey().equals(b.sourceKey())
          || !a.checkpointDtype().equals(b.checkpointDtype())) {
        return false;
      }
    }
    return true;
  }

  private void runFeeds(Session session, CheckpointReader checkpoint) {
    int start = 0;
    while (start < targets.size()) {
      int end = start;
      long bytes = 0;
      while (end < targets.size() && (end == start || bytes + targets.get(end).bytes() <= MAX_BYTES_PER_RUN)) {
        bytes += targets.get(end).bytes();
        end++;
      }
      List<Tensor> tensors = new ArrayList<>();
      try {
        Session.Runner runner = session.runner();
        for (Target t : targets.subList(start, end)) {
          Tensor value = checkpoint.toTensor(t.entry().sourceKey());
          tensors.add(value);
          runner.feed(t.value(), value).addTarget(t.assign());
        }
        runner.run().close();
      } finally {
        tensors.forEach(Tensor::close);
      }
      start = end;
    }
  }

  private void runRestoreV2(Session session, CheckpointReader checkpoint) {
    try (TString prefix = TString.scalarOf(checkpoint.prefix().toString())) {
      Session.Runner runner = session.runner().feed(prefixInput, prefix);
      targets.forEach(t -> runner.addTarget(t.assign()));
      try (Result r = runner.run()) {
        // targets only
      }
    }
  }

  public Method method() {
    return method;
  }

  /** How many variables {@link #load} assigns. */
  public int size() {
    return targets.size();
  }

  private static DataType baseType(DataType t) {
    int n = t.getNumber();
    return n > 100 ? DataType.forNumber(n - 100) : t; // DT_FLOAT_REF = DT_FLOAT + 100
  }

  private static int elementSize(DataType t) {
    return Dtypes.elementSize(t);
  }

  /** The DataType of a canonical dtype name ("float32", "int64", ...). */
  static DataType dataType(String canonical) {
    return switch (canonical) {
      case "float32" -> DataType.DT_FLOAT;
      case "float64" -> DataType.DT_DOUBLE;
      case "float16" -> DataType.DT_HALF;
      case "bfloat16" -> DataType.DT_BFLOAT16;
      case "int8" -> DataType.DT_INT8;
      case "int16" -> DataType.DT_INT16;
      case "int32" -> DataType.DT_INT32;
      case "int64" -> DataType.DT_INT64;
      case "uint8" -> DataType.DT_UINT8;
      case "uint16" -> DataType.DT_UINT16;
      case "uint32" -> DataType.DT_UINT32;
      case "uint64" -> DataType.DT_UINT64;
      case "bool" -> DataType.DT_BOOL;
      case "string" -> DataType.DT_STRING;
      case "complex64" -> DataType.DT_COMPLEX64;
      case "complex128" -> DataType.DT_COMPLEX128;
      default -> throw new IllegalArgumentException("no TensorFlow dtype named " + canonical);
    };
  }
}
