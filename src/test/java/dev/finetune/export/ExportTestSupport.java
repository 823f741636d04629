package dev.finetune.export;

import com.google.protobuf.TextFormat;
import dev.finetune.checkpoint.CheckpointState;
import dev.finetune.data.example.RgbImage;
import dev.finetune.model.BuildMode;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.ssd.SsdOverfitTestConfig;
import dev.finetune.proto.TrainEvalPipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/** A tiny model's checkpoint written by Session.save, a pipeline config and images for tests. */
final class ExportTestSupport {
  private ExportTestSupport() {}

  static final String LABEL_MAP = "item { id: 1 name: 'cat' }\nitem { id: 2 name: 'dog' display_name: 'Dog' }\n";

  /** The tiny SSD (96x96, 2 classes) as a full pipeline config. */
  static String pipelineText(boolean movingAverage, Path labelMap, String modelOverride) {
    String model = modelOverride == null ? SsdOverfitTestConfig.CONFIG : modelOverride;
    return "model {\n" + model + "}\n"
        + "train_config { batch_size: 2 optimizer { momentum_optimizer { learning_rate {"
        + " constant_learning_rate { learning_rate: 0.01 } } momentum_optimizer_value: 0.9 }"
        + " use_moving_average: " + movingAverage + " } }\n"
        + "eval_input_reader { label_map_path: \"" + labelMap + "\""
        + " tf_record_input_reader { input_path: \"unused.record\" } }\n";
  }

  static TrainEvalPipelineConfig pipeline(boolean movingAverage, Path labelMap) throws Exception {
    TrainEvalPipelineConfig.Builder b = TrainEvalPipelineConfig.newBuilder();
    TextFormat.merge(pipelineText(movingAverage, labelMap, null), b);
    return b.build();
  }

  /**
   * Writes {@code dir/model.ckpt-<step>} + the {@code checkpoint} state file: the tiny model with
   * every float variable set to random values (so a wrong mapping shows), plus a {@code /Momentum}
   * slot per variable and, with {@code shadows}, an {@code /ExponentialMovingAverage} shadow per
   * variable holding another random value.
   */
  static Path writeCheckpoint(Path dir, long step, boolean shadows, long seed) throws Exception {
    Files.createDirectories(dir);
    Random random = new Random(seed);
    try (Graph g = new Graph()) {
      Detector model = ModelBuilder.build(pipeline(false, dir).getModel(), g, 1, 0, BuildMode.INFERENCE);
      Ops tf = Ops.create(g);
      List<Op> assigns = new ArrayList<>();
      for (ModelVariable v : model.variables()) {
        if (v.dtype() != TFloat32.class) {
          continue;
        }
        assigns.add(tf.assign(floatVar(v), randomLike(tf, v, random, v.name().endsWith("variance"))));
        assigns.add(extraVariable(g, tf, v, "Momentum", random));
        if (shadows) {
          assigns.add(extraVariable(g, tf, v, "ExponentialMovingAverage", random));
        }
      }
      assigns.add(tf.assign(model.globalStep(), tf.constant(step)));
      try (Session s = new Session(g)) {
        Session.Runner init = s.runner();
        model.initializers().forEach(init::addTarget);
        init.run().close();
        Session.Runner r = s.runner();
        assigns.forEach(r::addTarget);
        r.run().close();
        s.save(dir.resolve("model.ckpt-" + step).toString());
      }
    }
    CheckpointState.of("model.ckpt-" + step, List.of("model.ckpt-" + step)).write(dir);
    return dir.resolve("model.ckpt-" + step);
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> floatVar(ModelVariable v) {
    return (Operand<TFloat32>) (Operand<? extends TType>) v.variable();
  }

  private static Operand<TFloat32> randomLike(Ops tf, ModelVariable v, Random random, boolean positive) {
    float[] values = new float[(int) v.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = positive ? 0.5f + random.nextFloat() : (float) (random.nextGaussian() * 0.1);
    }
    return tf.reshape(tf.constant(values), tf.constant(v.shape()));
  }

  private static Op extraVariable(Graph g, Ops tf, ModelVariable v, String suffix, Random random) {
    GraphOperation extra = g.opBuilder("VariableV2", v.name() + "/" + suffix, g.baseScope())
        .setAttr("shape", org.tensorflow.ndarray.Shape.of(v.shape()))
        .setAttr("dtype", org.tensorflow.proto.DataType.DT_FLOAT)
        .build();
    Operand<TFloat32> ref = extra.output(0);
    return tf.assign(ref, randomLike(tf, v, random, v.name().endsWith("variance")));
  }

  static Path writeLabelMap(Path dir) throws Exception {
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve("labels.pbtxt"), LABEL_MAP);
  }

  /** Integer-valued pixels in [0,255], as a decoder gives them. */
  static RgbImage image(int height, int width, long seed) {
    Random random = new Random(seed);
    float[] p = new float[height * width * 3];
    for (int i = 0; i < p.length; i++) {
      p[i] = random.nextInt(256);
    }
    return new RgbImage(height, width, p);
  }

}
