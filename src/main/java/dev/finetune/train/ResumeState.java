package dev.finetune.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.finetune.checkpoint.CheckpointException;
import dev.finetune.data.pipeline.PipelinePosition;
import java.nio.file.Path;

/**
 * What exact resume needs beyond the variables, saved beside each checkpoint: the input stream's
 * position after the checkpoint's last batch and the seeds the run started with.
 */
record ResumeState(long step, PipelinePosition inputPosition, Seeds seeds) {

  /** The run's seeds: the input pipeline's (augmentation, shuffling) and the graph's. */
  record Seeds(long input, long graph) {}

  JsonObject toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("step", step);
    o.addProperty("input_position", inputPosition.toString());
    o.addProperty("input_seed", seeds.input());
    o.addProperty("graph_seed", seeds.graph());
    return o;
  }

  static ResumeState parse(String json, Path source) {
    try {
      JsonObject o = JsonParser.parseString(json).getAsJsonObject();
      return new ResumeState(
          o.get("step").getAsLong(),
          PipelinePosition.parse(o.get("input_position").getAsString()),
          new Seeds(o.get("input_seed").getAsLong(), o.get("graph_seed").getAsLong()));
    } catch (RuntimeException e) {
      throw new CheckpointException(
          source + " is damaged (" + e.getMessage() + "); delete it to resume from the checkpoint"
              + " with the input read from the start");
    }
  }
}
