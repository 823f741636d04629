package dev.finetune.model.core;

import dev.finetune.Fixtures;
import dev.finetune.data.DetectionBatch;
import dev.finetune.model.ssd.SsdAnchorGenerator;
import java.io.IOException;

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

  static Anchors anchors() {
    return new SsdAnchorGenerator(SsdAnchorGenerator.Settings.stock()).generate(MAPS_300, 300, 300);
  }

  /** The groundtruth as a batch (images left black: the targets do not look at pixels). */
  static DetectionBatch groundtruth() {
    return new DetectionBatch(BATCH, 1, 1, 1, new float[BATCH * 3], GT_BOXES.clone(),
        new int[] {1, 1}, new float[] {1f, 1f}, new int[] {1, 1}, new String[] {"1", "2"});
  }

  /** The loss settings of the fixture's pipeline_effective.config. */
  static SsdLoss.Settings lossSettings() {
    return new SsdLoss.Settings(new LocalizationLoss.WeightedSmoothL1(1f),
        new ClassificationLoss.WeightedSigmoid(),
        new HardExampleMiner(new HardExampleMiner.Settings(3000, 0.99f,
            HardExampleMiner.LossType.CLASSIFICATION, 1f, 1f, 3f, 0)),
        1f, 1f, true, false);
  }

  static SsdTargetAssigner assigner() {
    return new SsdTargetAssigner(anchors(), new ArgMaxMatcher(ArgMaxMatcher.Settings.stock()),
        FasterRcnnBoxCoder.standard(), CLASSES, false, 1f);
  }
}
