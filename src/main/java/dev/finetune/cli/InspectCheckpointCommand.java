package dev.finetune.cli;

import dev.finetune.checkpoint.CheckpointJson;
import dev.finetune.checkpoint.CheckpointReader;
import dev.finetune.checkpoint.CheckpointText;
import dev.finetune.checkpoint.TensorEntry;
import dev.finetune.config.UserPaths;
import dev.finetune.util.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finetune inspect_checkpoint}: TensorFlow's inspect_checkpoint tool, in Java. */
@Command(
    name = "inspect_checkpoint",
    aliases = "inspect-checkpoint",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "List the tensors of a TensorFlow checkpoint, or print their values.",
      "Reads TF1 Saver, TF2 object-based and SavedModel variables checkpoints in pure Java"
          + " (TensorFlow is not loaded). Every block and tensor read is checked against its CRC32C."
    },
    footer = {
      "",
      "JSON output (--json), stable for scripts:",
      "  listing:     {\"file\": PREFIX, \"layout\": \"tf1\"|\"tf2\", \"tensors\":",
      "                [{\"name\", \"dtype\", \"shape\": [dims], \"size_bytes\"}, ...]}",
      "  one tensor:  {\"name\", \"dtype\", \"shape\", \"values\": [...]}",
      "                (all values, row-major)",
      "  all tensors: {\"file\", \"layout\", \"tensors\":",
      "                [{\"name\", \"dtype\", \"shape\", \"values\"}, ...]}",
      "  --layout:    {\"file\", \"layout\", \"objects\": [{\"id\", \"path\",",
      "                \"attributes\": [{\"name\", \"checkpoint_key\"}],",
      "                \"slot\": {\"variable\", \"optimizer\", \"name\"}}]}",
      "  Values: numbers (half/bfloat16 widened to float; NaN and infinities as",
      "  the strings \"NaN\", \"Infinity\", \"-Infinity\"), true/false for bool,",
      "  [re, im] for complex, UTF-8 strings for string tensors ({\"base64\": ...}",
      "  when not valid UTF-8), null for resource/variant tensors.",
      "",
      "Exit codes: 0 success, 2 bad command line, 4 missing, corrupt or unreadable",
      "checkpoint."
    })
final class InspectCheckpointCommand implements Callable<Integer> {
  @Option(
      names = {"--file_name", "--file-name"},
      required = true,
      paramLabel = "PREFIX_OR_DIR",
      description = "Checkpoint prefix (model.ckpt-1200), one of its files, a training directory"
          + " (its latest checkpoint) or a SavedModel (or its variables/ directory).")
  String fileName;

  @Option(
      names = {"--tensor_name", "--tensor-name"},
      paramLabel = "NAME",
      description = "Print this tensor's values.")
  String tensorName;

  @Option(
      names = {"--all_tensors", "--all-tensors"},
      description = "Print the values of every tensor.")
  boolean allTensors;

  @Option(
      names = {"--all_values", "--all-values"},
      description = "Print every value, not a summary, of large tensors.")
  boolean allValues;

  @Option(names = "--json", description = "Machine-readable JSON output (see below).")
  boolean json;

  @Option(
      names = "--layout",
      description = "Say whether the checkpoint uses TF1 names or TF2 object paths; for TF2 print"
          + " the object tree.")
  boolean layout;

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (CheckpointReader reader = CheckpointReader.open(UserPaths.resolve(fileName))) {
      if (json) {
        if (layout) {
          Json.writeTo(out, CheckpointJson.layout(reader));
        } else if (tensorName != null) {
          Json.writeTo(out, CheckpointJson.tensor(reader.read(tensorName)));
        } else if (allTensors) {
          CheckpointJson.writeAllTensors(reader, out);
        } else {
          Json.writeTo(out, CheckpointJson.listing(reader));
        }
        out.println();
      } else if (layout) {
        CheckpointText.printLayout(out, reader);
      } else if (tensorName != null) {
        CheckpointText.printTensor(out, reader, reader.entry(tensorName), allValues);
      } else if (allTensors) {
        for (TensorEntry e : reader.entries()) {
          CheckpointText.printTensor(out, reader, e, allValues);
        }
      } else {
        CheckpointText.printListing(out, reader);
      }
    }
    out.flush();
    return 0;
  }
}
