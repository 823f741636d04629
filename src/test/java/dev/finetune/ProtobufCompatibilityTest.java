package dev.finetune;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.BytesList;
import org.tensorflow.types.TFloat32;

/**
 * TF Java's generated protos were built against protobuf-java 3.21.9; the whole build pins one
 * newer protobuf. This proves TF's own classes still work with it.
 */
class ProtobufCompatibilityTest {
  @Test
  void sessionOpensWithConfigProtoBuiltOnThePinnedProtobuf() throws Exception {
    ConfigProto config =
        ConfigProto.newBuilder().setAllowSoftPlacement(true).setLogDevicePlacement(false).build();
    assertThat(ConfigProto.parseFrom(config.toByteArray()).getAllowSoftPlacement()).isTrue();
    try (Graph g = new Graph(); Session s = new Session(g, config)) {
      Ops tf = Ops.create(g);
      var sum = tf.math.add(tf.constant(1.5f), tf.constant(2.25f));
      try (TFloat32 result = (TFloat32) s.runner().fetch(sum).run().get(0)) {
        assertThat(result.getFloat()).isEqualTo(3.75f);
      }
    }
  }

  @Test
  void exampleProtoRoundTrips() throws Exception {
    Example ex = Example.newBuilder()
        .setFeatures(Features.newBuilder().putFeature("image/format",
            Feature.newBuilder().setBytesList(
                BytesList.newBuilder().addValue(ByteString.copyFromUtf8("jpeg"))).build()))
        .build();
    Example back = Example.parseFrom(ex.toByteArray());
    assertThat(back.getFeatures().getFeatureOrThrow("image/format").getBytesList().getValue(0)
        .toStringUtf8()).isEqualTo("jpeg");
  }
}
