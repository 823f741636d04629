package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject;

class ObjectGraphTest {
  private static TrackableObject.ObjectReference child(int id, String name) {
    return TrackableObject.ObjectReference.newBuilder().setNodeId(id).setLocalName(name).build();
  }

  private static TrackableObject.SerializedTensor attr(String key) {
    return TrackableObject.SerializedTensor.newBuilder()
        .setName("VARIABLE_VALUE").setFullName("x").setCheckpointKey(key).build();
  }

  /** A Keras-like model with an optimizer slot, where one layer is reachable by two paths. */
  private static TrackableObjectGraph graph() {
    String kernelKey = "model/dense/kernel/.ATTRIBUTES/VARIABLE_VALUE";
    String slotKey = "model/dense/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE";
    return TrackableObjectGraph.newBuilder()
        .addNodes(TrackableObject.newBuilder()  // 0 root
            .addChildren(child(1, "model")).addChildren(child(2, "optimizer")))
        .addNodes(TrackableObject.newBuilder()  // 1 model
            .addChildren(child(6, "layer_with_weights-0")).addChildren(child(3, "dense")))
        .addNodes(TrackableObject.newBuilder()  // 2 optimizer
            .addSlotVariables(TrackableObject.SlotVariableReference.newBuilder()
                .setOriginalVariableNodeId(4).setSlotName("m").setSlotVariableNodeId(5)))
        .addNodes(TrackableObject.newBuilder().addChildren(child(4, "kernel")))  // 3 dense
        .addNodes(TrackableObject.newBuilder().addAttributes(attr(kernelKey)))  // 4 kernel
        .addNodes(TrackableObject.newBuilder().addAttributes(attr(slotKey)))  // 5 slot m
        .addNodes(TrackableObject.newBuilder().addChildren(child(3, "inner")))  // 6 longer path
        .build();
  }

  @Test
  void mapsKeysToObjectPathsAndSlots() {
    ObjectGraph g = ObjectGraph.parse(graph().toByteArray(), "test");
    assertThat(g.size()).isEqualTo(7);
    assertThat(g.path(3)).isEqualTo("model/dense"); // shortest path wins
    ObjectGraph.KeyInfo kernel = g.forKey("model/dense/kernel/.ATTRIBUTES/VARIABLE_VALUE").orElseThrow();
    assertThat(kernel.objectPath()).isEqualTo("model/dense/kernel");
    assertThat(kernel.slot()).isEmpty();
    ObjectGraph.KeyInfo m = g.forKey(
        "model/dense/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE").orElseThrow();
    assertThat(m.slot()).contains(new ObjectGraph.Slot("model/dense/kernel", "optimizer", "m"));
    assertThat(m.objectPath()).isEqualTo("model/dense/kernel/.OPTIMIZER_SLOT/optimizer/m");
    String tree = g.tree(k -> k);
    assertThat(tree).contains("  model  (object 1)").contains("    dense  (object 3)")
        .contains("slot 'm' of model/dense/kernel -> object 5")
        // The second path to the dense layer points at the first instead of repeating it.
        .contains("      inner  = model/dense  (object 3)");
  }

  @Test
  void rejectsChildrenOutsideTheGraph() {
    byte[] bad = TrackableObjectGraph.newBuilder()
        .addNodes(TrackableObject.newBuilder().addChildren(child(9, "x"))).build().toByteArray();
    assertThatThrownBy(() -> ObjectGraph.parse(bad, "ckpt"))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("ckpt: object 0 has child 9");
    assertThatThrownBy(() -> ObjectGraph.parse(new byte[] {(byte) 0xff, 1, 2}, "ckpt"))
        .isInstanceOf(CheckpointException.class).hasMessageContaining("does not parse");
  }
}
