package dev.finetune.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.checkpoint.CheckpointState;
import dev.finetune.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BestCheckpointTest {
  @TempDir Path modelDir;

  /** Stand-in checkpoint files (the copy does not read them). */
  private Path checkpoint(long step) throws IOException {
    Path prefix = modelDir.resolve("model.ckpt-" + step);
    Files.writeString(modelDir.resolve("model.ckpt-" + step + ".index"), "index " + step);
    Files.writeString(modelDir.resolve("model.ckpt-" + step + ".data-00000-of-00001"), "data " + step);
    return prefix;
  }

  private static Map<String, Double> metrics(double map) {
    return Map.of("DetectionBoxes_Precision/mAP", map, "DetectionBoxes_Recall/AR@1", 1 - map);
  }

  private Path best() {
    return modelDir.resolve(BestCheckpoint.DIR);
  }

  @Test
  void keepsACopyOfTheBestByMapThatSurvivesRotation() throws IOException {
    BestCheckpoint best = new BestCheckpoint(modelDir, null);
    Path two = checkpoint(2);
    assertThat(best.offer(two, 2, metrics(0.3))).isTrue();
    assertThat(Files.readString(best().resolve("model.ckpt-2.data-00000-of-00001"))).isEqualTo("data 2");
    assertThat(CheckpointState.read(best()).orElseThrow().modelCheckpointPath()).isEqualTo("model.ckpt-2");
    assertThat(BestCheckpoint.read(best()).orElseThrow().get("step").getAsLong()).isEqualTo(2);

    assertThat(best.offer(checkpoint(4), 4, metrics(0.2))).as("worse").isFalse();
    assertThat(best.offer(checkpoint(5), 5, metrics(0.3))).as("equal is not better").isFalse();
    assertThat(BestCheckpoint.read(best()).orElseThrow().get("step").getAsLong()).isEqualTo(2);

    // rotation deletes the original; the copy stays
    Files.delete(modelDir.resolve("model.ckpt-2.index"));
    Files.delete(modelDir.resolve("model.ckpt-2.data-00000-of-00001"));
    assertThat(best().resolve("model.ckpt-2.index")).exists();

    // a new evaluator process reads the kept value: 0.25 does not beat it, 0.5 does
    BestCheckpoint again = new BestCheckpoint(modelDir, null);
    assertThat(again.offer(checkpoint(6), 6, metrics(0.25))).isFalse();
    assertThat(again.offer(checkpoint(8), 8, metrics(0.5))).isTrue();
    assertThat(best().resolve("model.ckpt-2.index")).doesNotExist();
    assertThat(Files.readString(best().resolve("model.ckpt-8.index"))).isEqualTo("index 8");
    var info = BestCheckpoint.read(best()).orElseThrow();
    assertThat(info.get("metric").getAsString()).isEqualTo("DetectionBoxes_Precision/mAP");
    assertThat(info.get("value").getAsDouble()).isEqualTo(0.5);
    try (Stream<Path> files = Files.list(modelDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no staging folders left")
          .noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void aChosenMetricDecidesAndAnUnknownOneIsAConfigError() throws IOException {
    BestCheckpoint byRecall = new BestCheckpoint(modelDir, "DetectionBoxes_Recall/AR@1");
    assertThat(byRecall.offer(checkpoint(2), 2, metrics(0.3))).isTrue(); // AR 0.7
    assertThat(byRecall.offer(checkpoint(4), 4, metrics(0.1))).isTrue(); // AR 0.9
    assertThat(byRecall.offer(checkpoint(6), 6, metrics(0.9))).isFalse(); // AR 0.1

    BestCheckpoint typo = new BestCheckpoint(modelDir, "DetectionBoxes_Precision/map");
    assertThatThrownBy(() -> typo.offer(modelDir.resolve("model.ckpt-2"), 2, metrics(0.3)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--best_metric \"DetectionBoxes_Precision/map\" is not a metric")
        .hasMessageContaining("DetectionBoxes_Precision/mAP");
  }

  @Test
  void pascalOnlyEvaluationsUseThePascalMap() {
    BestCheckpoint best = new BestCheckpoint(modelDir, null);
    assertThat(best.metricName(Map.of("PascalBoxes_PerformanceByCategory/AP@0.5IOU/a", 0.1,
        BestCheckpoint.PASCAL_MAP, 0.2))).isEqualTo(BestCheckpoint.PASCAL_MAP);
  }

  @Test
  void aCopyLeftAsideByAnInterruptedSwapIsPutBack() throws IOException {
    new BestCheckpoint(modelDir, null).offer(checkpoint(2), 2, metrics(0.3));
    Files.move(best(), modelDir.resolve(".best-old-123")); // the crash: aside, new one not yet in
    Files.createDirectories(modelDir.resolve(".best-staging-456"));
    BestCheckpoint after = new BestCheckpoint(modelDir, null);
    assertThat(best().resolve("model.ckpt-2.index")).exists();
    assertThat(modelDir.resolve(".best-staging-456")).doesNotExist();
    assertThat(after.offer(checkpoint(4), 4, metrics(0.2))).as("the recovered value counts").isFalse();
  }
}
