package dev.finetune.model.ssd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.TextFormat;
import dev.finetune.model.BuildMode;
import dev.finetune.model.CheckpointType;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.proto.DetectionModel;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;

/** Build modes and the restore map of the SSD model, on the tiny test config. */
class SsdModelModesTest {

  static DetectionModel tiny() throws Exception {
    DetectionModel.Builder b = DetectionModel.newBuilder();
    TextFormat.merge(SsdOverfitTestConfig.CONFIG, b);
    return b.build();
  }

  static Set<String> opTypes(Graph g) {
    Set<String> types = new HashSet<>();
    g.operations().forEachRemaining(op -> types.add(((GraphOperation) op).type()));
    return types;
  }

  @Test
  void inferenceGraphHasNoTargetsNorLossesButTheSameVariables() throws Exception {
    try (Graph train = new Graph(); Graph infer = new Graph()) {
      Detector t = ModelBuilder.build(tiny(), train, 2, 0, BuildMode.TRAIN);
      Detector i = ModelBuilder.build(tiny(), infer, 2, 0, BuildMode.INFERENCE);
      assertThat(i.mode()).isEqualTo(BuildMode.INFERENCE);
      assertThat(names(i)).isEqualTo(names(t));
      assertThat(i.losses()).isEmpty();
      assertThat(i.detections()).containsOnlyKeys(t.detections().keySet());
      assertThat(i.updateOps()).isEmpty();
      assertThatThrownBy(i::totalLoss).isInstanceOf(IllegalStateException.class);
      // No loss ops and fewer placeholders: only the images are fed.
      assertThat(infer.operation("Loss/total_loss")).isNull();
      assertThat(train.operation("Loss/total_loss")).isNotNull();
      assertThat(count(infer, "Placeholder")).isEqualTo(1);
      assertThat(count(train, "Placeholder")).isGreaterThan(1);
      assertThat(i.imageInput().shape().asArray()).containsExactly(2, 96, 96, 3);
    }
  }

  private static long count(Graph g, String type) {
    long[] n = {0};
    g.operations().forEachRemaining(op -> n[0] += ((GraphOperation) op).type().equals(type) ? 1 : 0);
    return n[0];
  }

  private static Set<String> names(Detector d) {
    return d.variables().stream().map(ModelVariable::name).collect(Collectors.toSet());
  }

  @Test
  void restoreMapFollowsTheApisRulesPerCheckpointType() throws Exception {
    try (Graph g = new Graph()) {
      Detector m = ModelBuilder.build(tiny(), g, 1, 0);
      Set<String> all = names(m);
      all.remove("global_step");
      Set<String> extractor =
          all.stream().filter(n -> n.startsWith("FeatureExtractor/")).collect(Collectors.toSet());
      assertThat(extractor).isNotEmpty().hasSizeLessThan(all.size());

      Map<String, ModelVariable> detection = m.restoreMap(CheckpointType.DETECTION, false);
      assertThat(detection.keySet()).isEqualTo(extractor);
      detection.forEach((key, v) -> assertThat(v.name()).isEqualTo(key));

      assertThat(m.restoreMap(CheckpointType.DETECTION, true).keySet()).isEqualTo(all);
      assertThat(m.restoreMap(CheckpointType.FULL, false).keySet()).isEqualTo(all);

      Map<String, ModelVariable> classification = m.restoreMap(CheckpointType.CLASSIFICATION, false);
      assertThat(classification).hasSize(extractor.size());
      assertThat(classification.get("MobilenetV1/Conv2d_0/weights").name())
          .isEqualTo("FeatureExtractor/MobilenetV1/Conv2d_0/weights");
      classification.forEach((key, v) -> assertThat(v.name()).isEqualTo("FeatureExtractor/" + key));
    }
  }

  @Test
  void imagesFeedWorksInBothModesAndTargetsOnlyInTraining() throws Exception {
    try (Graph g = new Graph()) {
      Detector m = ModelBuilder.build(tiny(), g, 1, 0, BuildMode.INFERENCE);
      var batch = new dev.finetune.data.DetectionBatch(
          1, 96, 96, 1, new float[96 * 96 * 3], new float[4], new int[1], new float[1],
          new int[] {0}, new String[] {"x"});
      assertThatThrownBy(() -> m.feed(batch)).isInstanceOf(IllegalStateException.class);
      try (Detector.Feed feed = m.imagesFeed(batch);
          org.tensorflow.Session s = new org.tensorflow.Session(g)) {
        var init = s.runner();
        m.initializers().forEach(init::addTarget);
        init.run();
        try (var r = feed.into(s.runner()).fetch(m.detections().get("num_detections")).run()) {
          assertThat(r.get(0).shape().asArray()).containsExactly(1);
        }
      }
    }
  }
}
