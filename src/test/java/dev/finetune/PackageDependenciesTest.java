package dev.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packages point one way (the architecture notes, issue 8): read from the compiled classes' constant
 * pools (every class, field and method type a class names), so a dependency hidden in a signature
 * or a lambda counts too. Two rules: no cycle between any two packages (sub-packages included),
 * and every dependency between top-level packages goes down {@link #LAYERS} or stays in its layer.
 */
class PackageDependenciesTest {
  /**
   * The allowed order, top to bottom, by package under dev.finetune ("" is the root package with
   * FinetuneException and ExitCode; "proto" is generated). A package may use its own layer and the
   * layers below it, never one above. A new top-level package must be placed here.
   *
   * <p>preflight ("do the files the config names exist": records, label maps, the fine-tune
   * checkpoint) sits above model because it needs data (record globs) and checkpoint (checkpoint
   * prefixes), which sit above config; the commands and the trainer call it before starting.
   * summary (TensorBoard event files) writes TFRecord framing (data) for train and eval alike.
   */
  static final List<List<String>> LAYERS = List.of(
      List.of("cli"),
      List.of("train", "eval", "export"),
      List.of("preflight"),
      List.of("model"),
      List.of("data", "checkpoint", "summary"),
      List.of("config"),
      List.of("util"),
      List.of("", "proto"));

  /** Cycles known and owned elsewhere, as data; each must still exist (delete its entry when it is gone). */
  static final Set<Set<String>> KNOWN_CYCLES = Set.of();

  private static final String ROOT = "dev/finetune/";
  private static final Pattern TYPE = Pattern.compile("L(dev/finetune/[A-Za-z0-9_/$]+)[;<]");

  /** Package (dotted, under dev.finetune) -> the packages it uses, with one class as the witness. */
  static Map<String, Map<String, String>> graph;

  @BeforeAll
  static void readClasses() throws IOException, URISyntaxException {
    Path classes = Path.of(FinetuneException.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    graph = dependencies(classes);
    assertThat(graph).as("classes read from " + classes).containsKeys("cli", "config", "model");
  }

  @Test
  void noPackageCycles() {
    assertThat(cycles(graph, KNOWN_CYCLES))
        .as("package cycles (package -> package (class that makes the edge))").isEmpty();
    Set<Set<String>> present = new java.util.HashSet<>(stronglyConnected(graph));
    assertThat(KNOWN_CYCLES).as("known cycles that are gone: delete them from KNOWN_CYCLES")
        .allSatisfy(c -> assertThat(present).contains(c));
  }

  @Test
  void dependenciesPointDownTheLayers() {
    assertThat(wrongWay(graph, LAYERS)).as("dependencies against the order " + LAYERS).isEmpty();
  }

  @Test
  void theCheckerSeesACycleAndAWrongWayEdge() {
    Map<String, Map<String, String>> g = new TreeMap<>();
    g.put("config", Map.of("data", "config.A"));
    g.put("data.pipeline", Map.of("data.augment", "data.pipeline.B"));
    g.put("data.augment", Map.of("data.pipeline", "data.augment.C", "config", "data.augment.D"));
    g.put("data", Map.of("config", "data.E"));
    assertThat(cycles(g, Set.of())).hasSize(2).anySatisfy(c -> assertThat(c).contains("data.augment -> data.pipeline"));
    assertThat(cycles(g, Set.of(Set.of("data.augment", "data.pipeline")))).hasSize(1);
    assertThat(wrongWay(g, LAYERS)).containsExactly("config -> data (config.A)");
    assertThat(wrongWay(Map.of("newpackage", Map.of("", "X")), LAYERS))
        .singleElement().asString().contains("newpackage is not in LAYERS");
  }

  // ---- the checks --------------------------------------------------------------------------------

  /** Each strongly connected set of packages larger than one and not known, with its edges. */
  static List<String> cycles(Map<String, Map<String, String>> g, Set<Set<String>> known) {
    List<String> out = new ArrayList<>();
    for (Set<String> scc : stronglyConnected(g)) {
      if (scc.size() > 1 && !known.contains(scc)) {
        List<String> edges = new ArrayList<>();
        for (String from : scc) {
          g.getOrDefault(from, Map.of()).forEach((to, witness) -> {
            if (scc.contains(to)) {
              edges.add(from + " -> " + to + " (" + witness + ")");
            }
          });
        }
        out.add(String.join(", ", edges));
      }
    }
    return out;
  }

  /** Edges between top-level packages that go up the layers, or from a package not in them. */
  static List<String> wrongWay(Map<String, Map<String, String>> g, List<List<String>> layers) {
    Map<String, Integer> layer = new HashMap<>();
    for (int i = 0; i < layers.size(); i++) {
      for (String p : layers.get(i)) {
        layer.put(p, i);
      }
    }
    List<String> out = new ArrayList<>();
    Set<String> unknown = new TreeSet<>();
    new TreeMap<>(g).forEach((from, uses) -> new TreeMap<>(uses).forEach((to, witness) -> {
      String a = top(from);
      String b = top(to);
      if (!layer.containsKey(a) || !layer.containsKey(b)) {
        unknown.add((layer.containsKey(a) ? b : a) + " is not in LAYERS: place it in the order");
      } else if (layer.get(a) > layer.get(b)) {
        out.add(from + " -> " + to + " (" + witness + ")");
      }
    }));
    out.addAll(unknown);
    return out;
  }

  private static String top(String pkg) {
    int dot = pkg.indexOf('.');
    return dot < 0 ? pkg : pkg.substring(0, dot);
  }

  /** Tarjan's algorithm, iterative enough for a few dozen packages (recursion is fine here). */
  private static List<Set<String>> stronglyConnected(Map<String, Map<String, String>> g) {
    Set<String> nodes = new TreeSet<>(g.keySet());
    g.values().forEach(m -> nodes.addAll(m.keySet()));
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new LinkedHashSet<>();
    List<Set<String>> out = new ArrayList<>();
    int[] counter = {0};
    for (String n : nodes) {
      if (!index.containsKey(n)) {
        connect(n, g, index, low, stack, onStack, out, counter);
      }
    }
    return out;
  }

  private static void connect(String v, Map<String, Map<String, String>> g, Map<String, Integer> index,
      Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : new TreeSet<>(g.getOrDefault(v, Map.of()).keySet())) {
      if (!index.containsKey(w)) {
        connect(w, g, index, low, stack, onStack, out, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> scc = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        scc.add(w);
      } while (!w.equals(v));
      out.add(scc);
    }
  }

  // ---- reading class files -----------------------------------------------------------------------

  static Map<String, Map<String, String>> dependencies(Path classesDir) throws IOException {
    Map<String, Map<String, String>> g = new TreeMap<>();
    Path root = classesDir.resolve(ROOT);
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
        String name = classesDir.relativize(f).toString().replace('\\', '/');
        name = name.substring(0, name.length() - ".class".length());
        String from = packageOf(name);
        Map<String, String> uses = g.computeIfAbsent(from, k -> new TreeMap<>());
        for (String type : referencedTypes(f)) {
          String to = packageOf(type);
          if (!to.equals(from)) {
            uses.putIfAbsent(to, name.substring(ROOT.length()).replace('/', '.'));
          }
        }
      });
    }
    return g;
  }

  /** dev/finetune/data/augment/X -> "data.augment"; dev/finetune/X -> "". */
  private static String packageOf(String internalName) {
    String rest = internalName.substring(ROOT.length());
    int slash = rest.lastIndexOf('/');
    return slash < 0 ? "" : rest.substring(0, slash).replace('/', '.');
  }

  /** The dev.finetune classes a class file names in its constant pool (internal names). */
  static Set<String> referencedTypes(Path classFile) {
    Set<String> out = new TreeSet<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(classFile)))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalStateException(classFile + " is not a class file");
      }
      in.readUnsignedShort(); // minor
      in.readUnsignedShort(); // major
      int count = in.readUnsignedShort();
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> { // Utf8: class names (Class entries point here), descriptors, signatures
            String s = in.readUTF();
            if (s.startsWith(ROOT)) {
              out.add(s);
            }
            Matcher m = TYPE.matcher(s);
            while (m.find()) {
              out.add(m.group(1));
            }
          }
          case 3, 4 -> in.readInt();
          case 5, 6 -> { // Long, Double take two entries
            in.readLong();
            i++;
          }
          case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
          case 9, 10, 11, 12, 17, 18 -> in.readInt();
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          default -> throw new IllegalStateException(classFile + ": constant pool tag " + tag);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
