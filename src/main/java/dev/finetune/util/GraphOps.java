package dev.finetune.util;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.DeviceSpec;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

/**
 * {@link Ops} for a graph whose name scopes give the names TensorFlow Java's own scopes give, in
 * constant time. TF Java 1.1.0 opens every sub-scope by reading the name of every op already in
 * the graph (one JNI round trip each) to learn which names are taken: building the SSD training
 * graph (~12,000 ops, ~1,000 scopes) spent 13-18 s there. Here each scope keeps TF Java's counters
 * (a name's first use is {@code name}, then {@code name_1}, {@code name_2}, ...) and asks the graph
 * whether a candidate name is taken (one hash lookup), moving to the next suffix if so; so names
 * made by other code (a {@code Graph.opBuilder}, gradients, another {@code Ops}) are never reused.
 *
 * <p>The only difference from TF Java: when another piece of code left a gap in a sequence
 * ({@code x_3} exists but not {@code x}), TF Java continues after the highest suffix and this
 * fills the gap; both are valid unique names. Not thread-safe, as TF Java's scopes.
 */
public final class GraphOps {
  private GraphOps() {}

  /**
   * The root {@link Ops} of {@code graph} (ops without a name prefix). Its names come from the
   * graph's base scope, as those of TF Java's {@code Ops.create(graph)}: both can be used on one
   * graph (a second {@code withSubScope("Loss")} from either root gives {@code Loss_1}).
   */
  public static Ops create(Graph graph) {
    return Ops.create(new ScopeCarrier(new FastScope(graph,
        new Names(graph, null, null, null), List.of(), DeviceSpec.newBuilder().build(), false)));
  }

  /** TF Java's op and scope names: "[A-Za-z0-9.][A-Za-z0-9_.\\-]*". */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");

  /**
   * TF Java's NameScope, with the graph lookup in place of the import of all names.
   *
   * @param ids the counters; null at the root, whose counters are the graph's base scope's
   */
  private record Names(Graph graph, String prefix, String opName, Map<String, Integer> ids) {
    Names withSubScope(String scopeName) {
      check(scopeName);
      String actual = opName != null ? opName : scopeName;
      return new Names(graph, qualify(makeUnique(actual)), null, new HashMap<>());
    }

    Names withName(String name) {
      check(name);
      return new Names(graph, prefix, name, ids); // the counters are shared, as in TF Java
    }

    String makeOpName(String name) {
      check(name);
      return qualify(makeUnique(opName != null ? opName : name));
    }

    String makeUnique(String id) {
      while (true) {
        if (ids == null) {
          String candidate = graph.baseScope().makeUnique(id);
          if (graph.operation(candidate) == null) {
            return candidate;
          }
          continue;
        }
        Integer next = ids.get(id);
        String candidate = next == null ? id : id + "_" + next;
        ids.put(id, next == null ? 1 : next + 1);
        if (graph.operation(qualify(candidate)) == null) {
          return candidate;
        }
      }
    }

    private String qualify(String name) {
      return prefix == null ? name : prefix + "/" + name;
    }

    private static void check(String name) {
      if (name == null) {
        throw new IllegalArgumentException("Names cannot be null");
      }
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(String.format(
            "invalid name: '%s' does not match the regular expression %s", name, NAME.pattern()));
      }
    }
  }

  /** TF Java's OpScope over {@link Names}. */
  private record FastScope(
      Graph graph, Names names, List<Operation> controlDependencies, DeviceSpec device, boolean init)
      implements Scope {
    @Override
    public ExecutionEnvironment env() {
      return graph;
    }

    @Override
    public Scope withSubScope(String childScopeName) {
      return new FastScope(graph, names.withSubScope(childScopeName), controlDependencies, device, init);
    }

    @Override
    public Scope withName(String opName) {
      return new FastScope(graph, names.withName(opName), controlDependencies, device, init);
    }

    @Override
    public Scope withNameAsSubScope(String defaultName) {
      return new FastScope(graph, names.withSubScope(names.makeOpName(defaultName)),
          controlDependencies, device, init);
    }

    @Override
    public Scope withDevice(DeviceSpec deviceSpec) {
      return new FastScope(graph, names, controlDependencies, deviceSpec, init);
    }

    @Override
    public Scope withInitScope() {
      return new FastScope(graph, names, List.of(), device, true);
    }

    @Override
    public String makeOpName(String defaultName) {
      return names.makeOpName(defaultName);
    }

    @Override
    public String makeUnique(String id) {
      return names.makeUnique(id);
    }

    @Override
    public void refreshNames() {
      // Nothing to import: every name is checked against the graph when it is made.
    }

    @Override
    public Scope withControlDependencyOps(Iterable<Operation> controls) {
      List<Operation> kept = new ArrayList<>();
      for (Operation control : controls) {
        graph.checkInput(control);
        if (init && !graph.isInitializer(control)) {
          throw new IllegalArgumentException("Init scope can not have non-init control dependency.");
        }
        if (init || !graph.isInitializer(control)) {
          kept.add(control);
        }
      }
      return new FastScope(graph, names, List.copyOf(kept), device, init);
    }

    @Override
    public OperationBuilder apply(OperationBuilder builder) {
      builder.setDevice(device.toString());
      for (Operation control : controlDependencies) {
        if (init || !graph.isInitializer(control)) {
          builder.addControlInput(control);
        }
      }
      return builder;
    }

    @Override
    public String getDeviceString() {
      return device.toString();
    }

    @Override
    public boolean isInit() {
      return init;
    }
  }

  /** Hands a scope to {@link Ops#create(ExecutionEnvironment)}, which only asks for its base scope. */
  private record ScopeCarrier(Scope scope) implements ExecutionEnvironment {
    @Override
    public Scope baseScope() {
      return scope;
    }

    @Override
    public OperationBuilder opBuilder(String type, String name, Scope s) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void attachFunction(ConcreteFunction function) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void checkInput(Operation input) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Types environmentType() {
      return Types.GRAPH;
    }

    @Override
    public boolean isInitializer(Operation op) {
      throw new UnsupportedOperationException();
    }
  }
}
