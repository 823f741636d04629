package dev.finetune.data.pipeline;

import dev.finetune.config.ConfigException;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.data.tfrecord.InputPaths;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.InputType;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a config's {@code InputReader} ({@code train_input_reader} / {@code eval_input_reader})
 * into what {@link InputPipeline} takes: the record files, the label map and the options.
 */
public final class InputReaders {
  private static final Logger LOG = LoggerFactory.getLogger(InputReaders.class);

  private InputReaders() {}

  /**
   * The pipeline for {@code reader} (its field path, e.g. "train_input_reader", names it in
   * errors), not yet opened: add the augmentation, resizer, seed and start position, then
   * {@code open()}.
   */
  public static InputPipeline.Builder builder(
      InputReader reader, String fieldPath, int batchSize, boolean skipCorruptRecords, int numThreads) {
    return InputPipeline.builder(files(reader, fieldPath), batchSize)
        .labelMap(labelMap(reader))
        .options(options(reader, fieldPath, skipCorruptRecords, numThreads));
  }

  public static List<Path> files(InputReader reader, String fieldPath) {
    if (reader.getInputReaderCase() != InputReader.InputReaderCase.TF_RECORD_INPUT_READER) {
      throw new ConfigException(
          fieldPath + ": " + (reader.getInputReaderCase() == InputReader.InputReaderCase.INPUTREADER_NOT_SET
              ? "no tf_record_input_reader { input_path: \"...\" } given"
              : reader.getInputReaderCase().name().toLowerCase() + " is not supported; use tf_record_input_reader"));
    }
    List<String> paths = reader.getTfRecordInputReader().getInputPathList();
    if (paths.isEmpty()) {
      throw new ConfigException(fieldPath + ".tf_record_input_reader.input_path is empty: name the record files");
    }
    return InputPaths.expand(paths);
  }

  /** The reader's label map, or null when label_map_path is not set (ids are then taken as they are). */
  public static LabelMap labelMap(InputReader reader) {
    return reader.getLabelMapPath().isEmpty() ? null : LabelMapFile.load(reader.getLabelMapPath());
  }

  public static PipelineOptions options(
      InputReader r, String fieldPath, boolean skipCorruptRecords, int numThreads) {
    if (r.getInputType() == InputType.TF_SEQUENCE_EXAMPLE) {
      throw new ConfigException(fieldPath + ".input_type: TF_SEQUENCE_EXAMPLE is not supported; use TF_EXAMPLE records");
    }
    warnIgnored(r.getLoadInstanceMasks(), fieldPath + ".load_instance_masks", "masks are not trained");
    warnIgnored(r.getNumKeypoints() > 0, fieldPath + ".num_keypoints", "keypoints are not trained");
    warnIgnored(r.getNumAdditionalChannels() > 0, fieldPath + ".num_additional_channels", "images are read as RGB");
    warnIgnored(r.getLoadMulticlassScores(), fieldPath + ".load_multiclass_scores", "class labels are used");
    warnIgnored(r.getLoadContextFeatures(), fieldPath + ".load_context_features", "context features are not read");
    return new PipelineOptions(
        r.getShuffle(),
        Math.max(1, r.getShuffleBufferSize()),
        Math.max(1, r.getFilenamesShuffleBufferSize()),
        r.getNumEpochs(),
        Math.max(1, r.getSample1OfNExamples()),
        positive(r.getMaxNumberOfBoxes(), fieldPath + ".max_number_of_boxes"),
        Math.max(1, r.getNumReaders()),
        Math.max(1, r.getReadBlockLength()),
        r.getNumPrefetchBatches() > 0 ? r.getNumPrefetchBatches() : 2, // -1 is tf.data's AUTOTUNE
        // Training graphs have a fixed batch size; evaluation must see every image.
        !fieldPath.startsWith("eval_input_reader"),
        skipCorruptRecords,
        Math.max(1, numThreads));
  }

  private static int positive(int v, String field) {
    if (v < 1) {
      throw new ConfigException(field + " must be at least 1, got " + v);
    }
    return v;
  }

  private static void warnIgnored(boolean set, String field, String why) {
    if (set) {
      LOG.warn("{} is set but ignored: {}", field, why);
    }
  }
}
