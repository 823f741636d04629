package dev.finetune.model.core;

import dev.finetune.Fixtures;
import dev.finetune.Npy;
import dev.finetune.data.DetectionBatch;
import com.google.protobuf.TextFormat;
import dev.finetune.model.ssd.AnchorGeneratorBuilder;
import dev.finetune.proto.Ssd;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.io.IOException;
import java.nio.file.Files;

/** The API's own SSD numbers in {@code ../shared/fixtures/odapi_reference} and their inputs. */
final class OdapiReference {
  static final int BATCH = 2;
  static final int ANCHORS = 1917;
  static final int CLASSES = 37;
  static final int[][] MAPS_300 = {{19, 19}, {10, 10}, {5, 5}, {3, 3}, {2, 2}, {1, 1}};

  /** Groundtruth of robertducky1.jpg and robertducky2.jpg (fixtures README), label id 1. */
  static final float[] GT_BOXES = {0.436f, 0.591f, 0.629f, 0.712f, 0.539f, 0.583f, 0.730f, 0.710f};

  private OdapiReference() {}

  static Npy npy(String name) throws IOException {
    return Npy.read(Fixtures.get("odapi_reference/" + name + ".npy"));
  }

  /** The groundtruth as a batch (images left black: the targets do not look at pixels). */
  static DetectionBatch groundtruth() {
    return new DetectionBatch(BATCH, 1, 1, 1, new float[BATCH * 3], GT_BOXES.clone(),
        new int[] {1, 1}, new float[] {1f, 1f}, new int[] {1, 1}, new String[] {"1", "2"});
  }

  /** {@code model.ssd} of the fixture's {@code pipeline_effective.config}, parsed as text proto. */
  static Ssd ssdConfig() throws IOException {
    TrainEvalPipelineConfig.Builder b = TrainEvalPipelineConfig.newBuilder();
    TextFormat.merge(Files.readString(Fixtures.get("odapi_reference/pipeline_effective.config")), b);
    return b.getModel().getSsd();
  }

  /** The loss settings of the fixture's config, through {@link LossBuilder}. */
  static SsdLoss.Settings lossSettings() throws IOException {
    Ssd ssd = ssdConfig();
    return LossBuilder.build(ssd.getLoss(), ssd.getNormalizeLossByNumMatches(),
        ssd.getNormalizeLocLossByCodesize());
  }

  static PostProcessor.Settings postProcessingSettings() throws IOException {
    return PostProcessingBuilder.build(ssdConfig().getPostProcessing());
  }

  /** Anchors of the fixture's config, through {@link AnchorGeneratorBuilder}. */
  static Anchors anchors() {
    try {
      return AnchorGeneratorBuilder.build(ssdConfig().getAnchorGenerator()).generate(MAPS_300, 300, 300);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static SsdTargetAssigner assigner() throws IOException {
    return TargetAssignerBuilder.build(ssdConfig(), anchors());
  }
}
