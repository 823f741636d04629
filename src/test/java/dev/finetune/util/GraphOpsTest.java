package dev.finetune.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;

class GraphOpsTest {

  /** The same random building steps through TF Java's scopes and through GraphOps. */
  @Test
  void namesOpsAsTensorFlowJavaScopesDo() {
    for (int seed = 1; seed <= 20; seed++) {
      try (Graph reference = new Graph(); Graph fast = new Graph()) {
        List<String> a = build(reference, false, new Random(seed));
        List<String> b = build(fast, true, new Random(seed));
        assertThat(b).as("seed %d", seed).isEqualTo(a);
        assertThat(names(fast)).isEqualTo(names(reference));
      }
    }
  }

  /** Steps that exercise repeated names, shared counters, reopened prefixes and foreign ops. */
  private static List<String> build(Graph g, boolean fastScopes, Random rnd) {
    Ops root = create(g, fastScopes);
    List<Ops> scopes = new ArrayList<>(List.of(root));
    List<String> made = new ArrayList<>();
    // Not "Const" or "x_1": TF Java itself then makes duplicate names (a scope named as an op).
    String[] words = {"Conv", "BatchNorm", "Loss", "weights", "a"};
    for (int i = 0; i < 300; i++) {
      Ops s = scopes.get(rnd.nextInt(scopes.size()));
      String w = words[rnd.nextInt(words.length)];
      switch (rnd.nextInt(7)) {
        case 0 -> made.add(s.constant(1f).op().name());
        case 1 -> made.add(s.withName(w).constant(2).op().name());
        case 2 -> {
          Ops child = s.withSubScope(w);
          scopes.add(child);
          made.add(child.constant(0L).op().name());
        }
        case 3 -> {
          // Ops named by other code (Graph.opBuilder, as the model's full-name Identities), then
          // a new Ops over the graph and a scope that reuses their prefix.
          // (Their names are never scope names: TF Java itself fails on a scope named as an op.)
          String prefix = "Outer" + rnd.nextInt(3);
          String foreign = rnd.nextBoolean() ? "total_loss" : "b";
          if (g.operation(prefix + "/" + foreign) == null) {
            made.add(g.opBuilder("NoOp", prefix + "/" + foreign, g.baseScope()).build().name());
          }
          // Used at once: an older scope object would not know later foreign names (TF Java
          // then fails with a duplicate name; GraphOps would not).
          Ops reopened = create(g, fastScopes).withSubScope(prefix);
          made.add(reopened.withName(foreign).noOp().op().name());
          made.add(reopened.withName(w).noOp().op().name());
        }
        case 4 -> {
          Op dep = s.noOp();
          made.add(s.withControlDependencies(List.of(dep)).constant(3f).op().name());
        }
        case 5 -> made.add(Ops.create(g).constant(5f).op().name()); // TF Java's own root, mixed in
        default -> made.add(s.math.add(s.constant(1f), s.constant(2f)).op().name());
      }
    }
    return made;
  }

  private static Ops create(Graph g, boolean fastScopes) {
    return fastScopes ? GraphOps.create(g) : Ops.create(g);
  }

  private static List<String> names(Graph g) {
    List<String> names = new ArrayList<>();
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      names.add(it.next().name());
    }
    return names;
  }

  @Test
  void keepsControlDependenciesAndRejectsBadNames() {
    try (Graph g = new Graph()) {
      Ops tf = GraphOps.create(g);
      Op first = tf.withName("first").noOp();
      GraphOperation gated = (GraphOperation) tf.withControlDependencies(List.of(first))
          .withSubScope("x").constant(1f).op();
      assertThat(gated.name()).isEqualTo("x/Const");
      assertThat(gated.numControlInputs()).isEqualTo(1);
      assertThatThrownBy(() -> tf.withSubScope("a/b")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> tf.withName("")).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
