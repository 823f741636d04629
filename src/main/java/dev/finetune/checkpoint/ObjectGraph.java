package dev.finetune.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;

/**
 * The object graph of a TF2 object-based checkpoint ({@code _CHECKPOINTABLE_OBJECT_GRAPH}): which
 * object owns each checkpoint key. Objects get the path TensorFlow gives them, the shortest chain of
 * child names from the root ({@code model/_box_predictor/...}); optimizer slot variables are
 * mapped to the variable and optimizer they belong to.
 */
public final class ObjectGraph {
  /** What a checkpoint key is: an attribute of the object at {@code objectPath}. */
  public record KeyInfo(String checkpointKey, int nodeId, String objectPath, String attribute,
      Optional<Slot> slot) {}

  /** An optimizer slot (e.g. Adam's "m") of the variable at {@code variablePath}. */
  public record Slot(String variablePath, String optimizerPath, String slotName) {}

  private final TrackableObjectGraph graph;
  private final String[] paths; // null for unreachable nodes
  private final int[] treeParent;
  private final Map<String, KeyInfo> keys = new LinkedHashMap<>();

  private ObjectGraph(TrackableObjectGraph graph, String source) {
    this.graph = graph;
    int n = graph.getNodesCount();
    if (n == 0) {
      throw new CheckpointException(source + ": the object graph has no objects.");
    }
    paths = new String[n];
    treeParent = new int[n];
    java.util.Arrays.fill(treeParent, -1);
    // Breadth first from the root, so each object gets its shortest path, as TensorFlow names it.
    paths[0] = "";
    Deque<Integer> queue = new ArrayDeque<>(List.of(0));
    while (!queue.isEmpty()) {
      int id = queue.poll();
      for (TrackableObject.ObjectReference child : graph.getNodes(id).getChildrenList()) {
        int c = child.getNodeId();
        if (c < 0 || c >= n) {
          throw new CheckpointException(
              source + ": object " + id + " has child " + c + " but the graph has " + n + " objects.");
        }
        if (paths[c] == null) {
          paths[c] = join(paths[id], child.getLocalName());
          treeParent[c] = id;
          queue.add(c);
        }
      }
    }
    List<Slot> slotOfNode = new ArrayList<>(Collections.nCopies(n, (Slot) null));
    for (int id = 0; id < n; id++) {
      for (TrackableObject.SlotVariableReference s : graph.getNodes(id).getSlotVariablesList()) {
        int var = s.getOriginalVariableNodeId();
        int slot = s.getSlotVariableNodeId();
        if (var < 0 || var >= n || slot < 0 || slot >= n) {
          throw new CheckpointException(
              source + ": object " + id + " names a slot variable outside the graph.");
        }
        Slot info = new Slot(path(var), path(id), s.getSlotName());
        slotOfNode.set(slot, info);
        if (paths[slot] == null) {
          paths[slot] = join(path(var), ".OPTIMIZER_SLOT/" + path(id) + "/" + s.getSlotName());
        }
      }
    }
    for (int id = 0; id < n; id++) {
      for (TrackableObject.SerializedTensor a : graph.getNodes(id).getAttributesList()) {
        keys.put(a.getCheckpointKey(),
            new KeyInfo(a.getCheckpointKey(), id, path(id), a.getName(),
                Optional.ofNullable(slotOfNode.get(id))));
      }
    }
  }

  private static String join(String parent, String name) {
    return parent.isEmpty() ? name : parent + "/" + name;
  }

  /** Decodes the serialized {@code TrackableObjectGraph} proto. */
  public static ObjectGraph parse(byte[] bytes, String source) {
    try {
      return new ObjectGraph(TrackableObjectGraph.parseFrom(bytes), source);
    } catch (InvalidProtocolBufferException e) {
      throw new CheckpointException(source + ": the object graph does not parse: " + e.getMessage());
    }
  }

  /** The decoded proto. */
  public TrackableObjectGraph proto() {
    return graph;
  }

  public int size() {
    return paths.length;
  }

  /** The path of object {@code nodeId} ("" for the root, "(unreachable N)" if not reachable). */
  public String path(int nodeId) {
    String p = paths[nodeId];
    return p != null ? p : "(unreachable " + nodeId + ")";
  }

  /** Every checkpoint key the graph names, with its object. */
  public Map<String, KeyInfo> keys() {
    return Collections.unmodifiableMap(keys);
  }

  /** The object a checkpoint key belongs to. */
  public Optional<KeyInfo> forKey(String checkpointKey) {
    return Optional.ofNullable(keys.get(checkpointKey));
  }

  /**
   * The object tree, one object per line, indented by depth, each attribute under its object
   * with {@code describeKey} applied to its checkpoint key (e.g. to add dtype and shape).
   */
  public String tree(Function<String, String> describeKey) {
    StringBuilder sb = new StringBuilder();
    boolean[] printed = new boolean[paths.length];
    appendTree(sb, 0, "(root)", 0, describeKey, printed);
    for (int id = 0; id < paths.length; id++) {
      if (!printed[id]) {
        appendTree(sb, id, path(id), 0, describeKey, printed); // slot variables, unreachable objects
      }
    }
    return sb.toString();
  }

  /** Prints each object once, under its shortest path; other references to it say where it is. */
  private void appendTree(StringBuilder sb, int id, String label, int depth,
      Function<String, String> describeKey, boolean[] printed) {
    printed[id] = true;
    String indent = "  ".repeat(depth);
    sb.append(indent).append(label).append("  (object ").append(id).append(")\n");
    TrackableObject node = graph.getNodes(id);
    for (TrackableObject.SerializedTensor a : node.getAttributesList()) {
      sb.append(indent).append("  .").append(a.getName()).append(" -> ")
          .append(describeKey.apply(a.getCheckpointKey())).append('\n');
    }
    for (TrackableObject.SlotVariableReference s : node.getSlotVariablesList()) {
      sb.append(indent).append("  slot '").append(s.getSlotName()).append("' of ")
          .append(path(s.getOriginalVariableNodeId())).append(" -> object ")
          .append(s.getSlotVariableNodeId()).append('\n');
    }
    for (TrackableObject.ObjectReference child : node.getChildrenList()) {
      int c = child.getNodeId();
      if (treeParent[c] == id && !printed[c]) {
        appendTree(sb, c, child.getLocalName(), depth + 1, describeKey, printed);
      } else {
        sb.append(indent).append("  ").append(child.getLocalName()).append("  = ")
            .append(c == 0 ? "(root)" : path(c)).append("  (object ").append(c).append(")\n");
      }
    }
  }
}
