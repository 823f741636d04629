package dev.finetune.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.ExitCode;
import dev.finetune.FinetuneException;
import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.data.augment.Resize;
import dev.finetune.data.example.RgbImage;
import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/** Export of a tiny SSD checkpoint to a SavedModel, reloaded and compared with the graph. */
class SavedModelExportTest {
  @TempDir static Path dir;
  static Path labels;
  static Path trainDir;
  static Path prefix;
  static Path exported;

  @BeforeAll
  static void exportOnce() throws Exception {
    labels = ExportTestSupport.writeLabelMap(dir.resolve("data"));
    trainDir = dir.resolve("train");
    prefix = ExportTestSupport.writeCheckpoint(trainDir, 7, false, 1);
    exported = dir.resolve("exported");
    SavedModelExporter.export(ExportTestSupport.pipeline(false, labels), "test.config", trainDir,
        exported, false);
  }

  @Test
  void writesTheApiLayout() throws Exception {
    assertThat(exported.resolve("saved_model/saved_model.pb")).isRegularFile();
    assertThat(exported.resolve("saved_model/variables/variables.index")).isRegularFile();
    assertThat(exported.resolve("pipeline.config")).content().contains("num_classes: 2");
    assertThat(exported.resolve("label_map.pbtxt")).content().isEqualTo(ExportTestSupport.LABEL_MAP);
    assertThat(exported.resolve("checkpoint/checkpoint")).content().contains("ckpt-0");
    if (exported.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(Files.getPosixFilePermissions(exported))
          .as("the usual directory permissions, not a temp dir's 0700")
          .isEqualTo(Files.getPosixFilePermissions(Files.createDirectory(dir.resolve("plain"))));
    }
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .as("no staging directory left behind").noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void variablesAreBitIdenticalToTheCheckpointAndSlotsStayBehind() throws Exception {
    try (SavedModelDetector d = SavedModelDetector.load(exported);
        CheckpointReader ckpt = CheckpointReader.open(prefix);
        CheckpointReader copy = CheckpointReader.open(exported.resolve("checkpoint"))) {
      Session s = d.bundle().session();
      java.util.List<String> names = new java.util.ArrayList<>();
      for (var e : ckpt.entries()) {
        String name = e.name();
        if (name.endsWith("/Momentum") || name.equals("global_step")) {
          assertThat(copy.contains(name)).as(name).isEqualTo(name.equals("global_step"));
        } else {
          names.add(name);
        }
      }
      assertThat(names).hasSizeGreaterThan(50);
      Session.Runner runner = s.runner();
      names.forEach(runner::fetch);
      try (Result r = runner.run()) {
        for (int i = 0; i < names.size(); i++) {
          String name = names.get(i);
          assertThat(floats(r.get(i))).as(name).containsExactly(ckpt.readFloats(name));
          assertThat(copy.readFloats(name)).as("ckpt-0 " + name).containsExactly(ckpt.readFloats(name));
        }
      }
      try (Result r = s.runner().fetch("global_step").run()) {
        assertThat(((TInt64) r.get(0)).getLong()).isEqualTo(7);
      }
    }
  }

  @Test
  void servesTheSameDetectionsAsTheInferenceAndTrainingGraphs() throws Exception {
    RgbImage image = ExportTestSupport.image(96, 96, 3);
    Map<String, float[]> expected = inferenceGraph(image);
    Map<String, float[]> training = graph(image, BuildMode.TRAIN);
    for (String name : SavedModelExporter.OUTPUTS) {
      assertThat(training.get(name)).as("training graph " + name).containsExactly(expected.get(name));
    }
    try (SavedModelDetector d = SavedModelDetector.load(exported)) {
      SavedModelDetector.Outputs out = d.run(image);
      assertThat(out.tensors().keySet()).containsExactlyInAnyOrderElementsOf(SavedModelExporter.OUTPUTS);
      for (String name : SavedModelExporter.OUTPUTS) {
        assertThat(out.tensors().get(name)).as(name).containsExactly(expected.get(name));
      }
      assertThat(out.shapes().get("detection_boxes")).containsExactly(1, 10, 4);
      assertThat(out.shapes().get("raw_detection_scores")[2]).isEqualTo(3); // background + 2
      assertThat(out.detections()).isNotEmpty();
      assertThat(out.detections()).allSatisfy(det -> assertThat(det.classId()).isBetween(1, 2));
    }
  }

  @Test
  void resizesOtherSizesInsideAsTheTrainingPipelineDoes() throws Exception {
    RgbImage image = ExportTestSupport.image(131, 70, 4);
    float[] resized = Resize.resize(image.pixels(), 131, 70, 96, 96, Resize.Method.BILINEAR,
        Resize.Coordinates.ASYMMETRIC);
    Map<String, float[]> expected = inferenceGraph(new RgbImage(96, 96, resized));
    try (SavedModelDetector d = SavedModelDetector.load(exported)) {
      SavedModelDetector.Outputs out = d.run(image);
      for (String name : SavedModelExporter.OUTPUTS) {
        assertThat(out.tensors().get(name)).as(name).containsExactly(expected.get(name));
      }
    }
  }

  @Test
  void movingAveragesReplaceTheValuesWhenConfigured() throws Exception {
    Path ema = ExportTestSupport.writeCheckpoint(dir.resolve("train_ema"), 3, true, 2);
    Path out = dir.resolve("exported_ema");
    SavedModelExporter.Result result = SavedModelExporter.export(
        ExportTestSupport.pipeline(true, labels), "ema.config", ema, out, false);
    assertThat(result.movingAveragesRequested()).isTrue();
    assertThat(result.fromMovingAverages()).isEqualTo(result.variables());
    try (SavedModelDetector d = SavedModelDetector.load(out);
        CheckpointReader ckpt = CheckpointReader.open(ema)) {
      String name = "FeatureExtractor/MobilenetV1/Conv2d_0/weights";
      try (Result r = d.bundle().session().runner().fetch(name).run()) {
        float[] got = floats((TFloat32) r.get(0));
        assertThat(got).containsExactly(ckpt.readFloats(name + "/ExponentialMovingAverage"));
        assertThat(got).isNotEqualTo(ckpt.readFloats(name));
      }
    }
  }

  @Test
  void refusesAnExistingOutputDirectoryAndOverwritesOnlyWhenAsked() throws Exception {
    Path out = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(out.resolve("keep.txt"), "precious");
    TrainEvalPipelineConfig config = ExportTestSupport.pipeline(false, labels);
    assertThatThrownBy(() -> SavedModelExporter.export(config, "c", trainDir, out, false))
        .isInstanceOf(FinetuneException.class)
        .hasMessageContaining("already exists")
        .hasMessageContaining("--overwrite")
        .satisfies(e -> assertThat(((FinetuneException) e).exitCode()).isEqualTo(ExitCode.USAGE_OR_CONFIG));
    assertThat(out.resolve("keep.txt")).content().isEqualTo("precious");

    // A failing export with --overwrite leaves the old directory as it was.
    assertThatThrownBy(() -> SavedModelExporter.export(config, "c", dir.resolve("nope"), out, true))
        .isInstanceOf(CheckpointException.class);
    assertThat(out.resolve("keep.txt")).content().isEqualTo("precious");

    SavedModelExporter.export(config, "c", trainDir, out, true);
    assertThat(out.resolve("keep.txt")).doesNotExist();
    assertThat(out.resolve("saved_model/saved_model.pb")).isRegularFile();
    try (Stream<Path> siblings = Files.list(dir)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void aCheckpointOfAnotherModelIsACheckpointErrorNamingTheMismatch() throws Exception {
    TrainEvalPipelineConfig.Builder b = ExportTestSupport.pipeline(false, labels).toBuilder();
    b.getModelBuilder().getSsdBuilder().setNumClasses(3);
    TrainEvalPipelineConfig threeClasses = b.build();
    Path out = dir.resolve("mismatch");
    assertThatThrownBy(() -> SavedModelExporter.export(threeClasses, "three.config", trainDir, out, false))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("does not match the model of three.config")
        .hasMessageContaining("incompatible shape")
        .hasMessageContaining("BoxPredictor");
    assertThat(out).doesNotExist();
  }

  private static Map<String, float[]> inferenceGraph(RgbImage image) throws Exception {
    return graph(image, BuildMode.INFERENCE);
  }

  /** The model's own graph (float image_tensor placeholder), restored with Session.restore. */
  private static Map<String, float[]> graph(RgbImage image, BuildMode mode) throws Exception {
    try (Graph g = new Graph()) {
      Detector model = ModelBuilder.build(
          ExportTestSupport.pipeline(false, labels).getModel(), g, 1, 0, mode);
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        model.initializers().forEach(init::addTarget);
        init.run().close();
        s.restore(prefix.toString());
        try (TFloat32 input = TFloat32.tensorOf(Shape.of(1, image.height(), image.width(), 3),
            DataBuffers.of(image.pixels(), true, false))) {
          Session.Runner r = s.runner().feed(model.imageInput(), input);
          SavedModelExporter.OUTPUTS.forEach(n -> r.fetch(model.detections().get(n)));
          Map<String, float[]> out = new LinkedHashMap<>();
          try (Result result = r.run()) {
            for (int i = 0; i < SavedModelExporter.OUTPUTS.size(); i++) {
              out.put(SavedModelExporter.OUTPUTS.get(i), floats((TFloat32) result.get(i)));
            }
          }
          return out;
        }
      }
    }
  }

  static float[] floats(Tensor t) {
    float[] v = new float[(int) t.size()];
    t.asRawTensor().data().asFloats().read(v);
    return v;
  }
}
