package dev.finetune.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.finetune.config.ConfigException;
import dev.finetune.config.PipelineConfig;
import dev.finetune.config.PipelineConfigLoader;
import dev.finetune.model.Detector;
import dev.finetune.model.builder.ModelBuilder;
import dev.finetune.model.ModelVariable;
import dev.finetune.model.ssd.SsdModel;
import dev.finetune.util.Json;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finetune describe_model}: builds the model of a pipeline config without training and lists
 * its variables (the TF1 checkpoint names), parameter totals, feature maps and anchors, so a config
 * can be checked against a checkpoint before any training.
 */
@Command(
    name = "describe_model",
    aliases = "describe-model",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Build the model of a pipeline.config and list its variables and anchors.",
      "Builds the graph without training and lists every variable (name, shape, dtype, trainable,"
          + " size), the parameter totals, the feature-map shapes and the anchors."
    })
final class DescribeModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PipelineConfigOption pipelineConfig;

  @Option(names = "--set", paramLabel = "FIELD=VALUE",
      description = "Override a config field (repeatable), as for training.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    if (pipelineConfig.path == null) {
      throw new ConfigException("describe_model needs --pipeline_config_path FILE");
    }
    PipelineConfig config =
        PipelineConfigLoader.load(pipelineConfig.path, overrides, null).requireValid();
    try (Graph graph = new Graph()) {
      Detector model = ModelBuilder.build(config.proto().getModel(), graph, 1, 0);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(Json.pretty(toJson(model)));
      } else {
        printTables(out, model);
      }
      out.flush();
    }
    return 0;
  }

  static JsonObject toJson(Detector model) {
    JsonObject o = new JsonObject();
    JsonArray vars = new JsonArray();
    for (ModelVariable v : model.variables()) {
      JsonObject j = new JsonObject();
      j.addProperty("name", v.name());
      JsonArray shape = new JsonArray();
      for (long d : v.shape()) {
        shape.add(d);
      }
      j.add("shape", shape);
      j.addProperty("dtype", v.dtypeName());
      j.addProperty("trainable", v.trainable());
      j.addProperty("size", v.size());
      vars.add(j);
    }
    o.add("variables", vars);
    o.addProperty("num_variables", model.variables().size());
    o.addProperty("num_trainable_variables", model.trainableVariables().size());
    o.addProperty("total_parameters", total(model.variables()));
    o.addProperty("trainable_parameters", total(model.trainableVariables()));
    JsonArray size = new JsonArray();
    size.add(model.imageHeight());
    size.add(model.imageWidth());
    o.add("image_size", size);
    if (model instanceof SsdModel ssd) {
      JsonArray maps = new JsonArray();
      List<Operand<TFloat32>> fm = ssd.trainingForward().featureMaps();
      for (int i = 0; i < fm.size(); i++) {
        JsonObject m = new JsonObject();
        JsonArray s = new JsonArray();
        Shape shape = fm.get(i).shape();
        for (int d = 1; d < shape.numDimensions(); d++) {
          s.add(shape.get(d));
        }
        m.add("shape", s);
        m.addProperty("anchors_per_location", ssd.anchors().boxesPerLocation()[i]);
        m.addProperty("anchors", ssd.anchors().anchorsPerLayer()[i]);
        maps.add(m);
      }
      o.add("feature_maps", maps);
      o.addProperty("anchors", ssd.anchors().count());
    }
    return o;
  }

  private static void printTables(PrintWriter out, Detector model) {
    int width = "name".length();
    for (ModelVariable v : model.variables()) {
      width = Math.max(width, v.name().length());
    }
    String row = "%-" + width + "s  %-16s %-8s %-9s %10s%n";
    out.printf(Locale.ROOT, row, "name", "shape", "dtype", "trainable", "size");
    for (ModelVariable v : model.variables()) {
      out.printf(
          Locale.ROOT, row, v.name(), "[" + v.shapeString().replace("x", ",") + "]", v.dtypeName(),
          v.trainable() ? "yes" : "no", v.size());
    }
    long all = total(model.variables());
    long trainable = total(model.trainableVariables());
    out.printf(
        Locale.ROOT,
        "%n%d variables (%d trainable); %,d parameters: %,d trainable, %,d not trainable%n",
        model.variables().size(), model.trainableVariables().size(), all, trainable, all - trainable);
    out.printf(Locale.ROOT, "Input images: %dx%dx3%n", model.imageHeight(), model.imageWidth());
    if (model instanceof SsdModel ssd) {
      out.println("Feature maps:");
      List<Operand<TFloat32>> fm = ssd.trainingForward().featureMaps();
      for (int i = 0; i < fm.size(); i++) {
        Shape s = fm.get(i).shape();
        out.printf(
            Locale.ROOT, "  %d: %dx%dx%d, %d anchors per location, %d anchors%n", i, s.get(1),
            s.get(2), s.get(3), ssd.anchors().boxesPerLocation()[i],
            ssd.anchors().anchorsPerLayer()[i]);
      }
      out.printf(Locale.ROOT, "Anchors: %d%n", ssd.anchors().count());
    }
  }

  private static long total(List<ModelVariable> vars) {
    return vars.stream().mapToLong(ModelVariable::size).sum();
  }
}
