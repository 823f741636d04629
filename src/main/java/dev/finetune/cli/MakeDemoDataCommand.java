package dev.finetune.cli;

import dev.finetune.config.UserPaths;
import dev.finetune.data.tools.DemoDataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finetune make_demo_data}: a synthetic shapes dataset to try the tool and test with. */
@Command(
    name = "make_demo_data",
    aliases = "make-demo-data",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Write a synthetic shapes detection dataset (TFRecords + label map) to try finetune with.",
      "Write a synthetic detection dataset: shapes of several sizes and colours, some overlapping,"
          + " on textured backgrounds, as JPEG tf.train.Example records (train.record, eval.record)"
          + " plus label_map.pbtxt. --task pretrain (the default): circle, square, triangle, the"
          + " task the demo's starting checkpoint learnt; --task finetune: circle, triangle, star,"
          + " cross, the task finetune demo fine-tunes it on. The same --seed gives the same files."
    })
final class MakeDemoDataCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Folder to write into (created if needed).")
  String output;

  @Option(names = "--num_train", paramLabel = "N", defaultValue = "200", description = "Training images (default: ${DEFAULT-VALUE}).")
  int numTrain;

  @Option(names = "--num_eval", paramLabel = "M", defaultValue = "50", description = "Evaluation images (default: ${DEFAULT-VALUE}).")
  int numEval;

  @Option(names = "--size", paramLabel = "PIXELS", defaultValue = "320", description = "Square image side (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--width", paramLabel = "PIXELS", description = "Image width, overriding --size.")
  Integer width;

  @Option(names = "--height", paramLabel = "PIXELS", description = "Image height, overriding --size.")
  Integer height;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--task", paramLabel = "TASK", defaultValue = "pretrain",
      description = "Which shapes: pretrain (circle, square, triangle) or finetune (circle, triangle,"
          + " star, cross) (default: ${DEFAULT-VALUE}).")
  DemoDataset.Task task;

  @Override
  public Integer call() throws IOException {
    int w = width != null ? width : size;
    int h = height != null ? height : size;
    if (w < 16 || h < 16 || numTrain < 0 || numEval < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "image sides must be at least 16 pixels and counts not negative");
    }
    Path dir = UserPaths.resolve(output);
    long start = System.nanoTime();
    DemoDataset.write(dir, task, numTrain, numEval, w, h, seed);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Wrote %d training and %d evaluation images (%dx%d, classes %s) in %.1f s:%n",
        numTrain, numEval, w, h, String.join(", ", task.classes()), (System.nanoTime() - start) / 1e9);
    out.println("  " + dir.resolve(DemoDataset.TRAIN));
    out.println("  " + dir.resolve(DemoDataset.EVAL));
    out.println("  " + dir.resolve(DemoDataset.LABEL_MAP));
    out.flush();
    return 0;
  }
}
