package dev.finetune.data.pipeline;

import dev.finetune.config.ConfigException;
import dev.finetune.config.ModelConfigs;
import dev.finetune.data.ExampleTransform;
import dev.finetune.data.augment.ImageResizers;
import dev.finetune.data.augment.Preprocessor;
import dev.finetune.data.labelmap.LabelMap;
import dev.finetune.data.labelmap.LabelMapFile;
import dev.finetune.data.tfrecord.InputPaths;
import dev.finetune.proto.InputReader;
import dev.finetune.proto.InputType;
import dev.finetune.proto.TrainEvalPipelineConfig;
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
   * The training input: train_input_reader, train_config.data_augmentation_options, then the
   * model's image_resizer; the last partial batch is dropped (the graph's batch size is fixed).
   * Not yet opened: add {@code .seed(...)} and {@code .startAt(...)}, then {@code open()}.
   */
  public static InputPipeline.Builder forTraining(
      TrainEvalPipelineConfig config, int batchSize, boolean skipCorruptRecords, int numThreads) {
    return builder(config.getTrainInputReader(), "train_input_reader", batchSize, skipCorruptRecords, numThreads)
        .augmentation(Preprocessor.fromConfig(config.getTrainConfig().getDataAugmentationOptionsList()))
        .resizer(resizer(config));
  }

  /**
   * The evaluation input, as model_main.py feeds it: {@code eval_input_reader[index]} (or, with
   * {@code onTrainingData}, train_input_reader as {@code --eval_training_data} does), no
   * augmentation, the model's image_resizer, every image once (num_epochs 1, the last partial batch
   * kept). {@code sampleOneOfN} >= 1 replaces the reader's sample_1_of_n_examples (the
   * API's --sample_1_of_n_eval_examples, or --sample_1_of_n_eval_on_train_examples on training
   * data); 0 keeps the reader's. Records are read in file order whatever the reader's shuffle, so
   * two evaluations see the same images (the API shuffles when the reader says so; the metrics of
   * a full pass do not depend on the order, and a sampled subset stays comparable between runs).
   * Corrupt records fail the evaluation. Not yet opened: call {@code open()}.
   */
  public static InputPipeline.Builder forEvaluation(
      TrainEvalPipelineConfig config, int index, boolean onTrainingData, int sampleOneOfN,
      int batchSize, int numThreads) {
    InputReader reader;
    String fieldPath;
    if (onTrainingData) {
      reader = config.getTrainInputReader();
      fieldPath = "train_input_reader";
    } else {
      if (index < 0 || index >= config.getEvalInputReaderCount()) {
        throw new ConfigException(config.getEvalInputReaderCount() == 0
            ? "eval_input_reader: the config has none; add eval_input_reader { tf_record_input_reader {"
                + " input_path: \"...\" } } or evaluate on the training data"
            : "eval_input_reader[" + index + "]: the config has " + config.getEvalInputReaderCount()
                + " eval_input_reader (indices 0 to " + (config.getEvalInputReaderCount() - 1) + ")");
      }
      reader = config.getEvalInputReader(index);
      fieldPath = "eval_input_reader[" + index + "]";
    }
    PipelineOptions options = options(reader, fieldPath, false, numThreads)
        .withShuffle(false)
        .withNumEpochs(1)
        .withDropRemainder(false);
    if (sampleOneOfN >= 1) {
      options = options.withSample1OfNExamples(sampleOneOfN);
    }
    return InputPipeline.builder(files(reader, fieldPath), batchSize)
        .labelMap(labelMap(reader))
        .options(options)
        .resizer(resizer(config));
  }

  /** The model's image_resizer as a transform (any model type with one; see {@link ModelConfigs}). */
  public static ExampleTransform resizer(TrainEvalPipelineConfig config) {
    return ImageResizers.fromConfig(
        ModelConfigs.imageResizer(config.getModel()), ModelConfigs.path(config.getModel(), "image_resizer"));
  }

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
