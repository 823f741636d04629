/**
 * Reads and writes what the Object Detection API's dataset scripts produce: TFRecord files of
 * {@code tf.train.Example} records with the API's keys, and text-format {@code StringIntLabelMap}
 * label maps; feeds training through the batched input pipeline. The commands are in the README.
 *
 *
 * <h2>Reading records</h2>
 * - `TfRecordReader.open(file)`: plain or GZIP (detected from the first bytes), both CRCs checked.
 *   A damaged record throws `CorruptRecordException` (a `DataException`, exit code 3) with
 *   `FILE record #I (byte offset O): reason`; the reader has already moved to the next valid length
 *   header, so catching it and calling `next()` again reads the good records after it. A damaged
 *   GZIP stream ends the file. `TfRecordWriter` writes `FILE.tmp` and renames it on `close()`.
 * - `InputPaths.expand(List<String>)`: the API's `input_path` (lists, globs such as
 *   `train-?????-of-00010` or `data/*.record`, `~`, relative paths); no match is an error.
 * - `ExampleDecoder(labelMap).annotations(record)` (no image decoding) and `.decode(record)` give
 *   a `DetectionExample`. Class ids come from `image/object/class/text` through the label map when
 *   the records carry text and a label map is given (as the API does), else from
 *   `image/object/class/label`. Text or ids missing from the label map, boxes outside [0,1] (beyond
 *   1e-3, which is clipped) or with min > max, and undecodable images are `DataException`s naming the
 *   record. `ImageCodec` decodes JPEG/PNG as TensorFlow does (gray replicated without gamma change,
 *   alpha dropped, 16-bit to the high byte, palettes expanded, CMYK converted).
 * - `LabelMapFile.load(path)`: errors carry `file:line[:column]`; id 0 only for "background";
 *   duplicate ids or names name both lines.
 *
 *
 * <h2>The input pipeline</h2>
 * <pre>{@code
 * // train_input_reader + data_augmentation_options + the model's image_resizer
 * InputPipeline input = InputReaders.forTraining(config, batchSize, skipCorruptRecords,
 *         Runtime.getRuntime().availableProcessors())
 *     .seed(seed)
 *     .startAt(savedPosition)          // PipelinePosition.parse("epoch=3,index=120"); START by default
 *     .open();
 * DetectionBatch batch = input.next(); // null after num_epochs; DataException on bad data
 * PipelinePosition pos = input.position();   // save with the checkpoint; toString() round-trips
 * input.stats();                       // corrupt records, unusable examples, truncated boxes
 *
 * // eval_input_reader[0] (or train_input_reader), no augmentation, the model's resizer, every
 * // image once in file order; sampleOneOfN >= 1 overrides sample_1_of_n_examples
 * InputPipeline eval = InputReaders.forEvaluation(config, 0, false, 0, batchSize, threads).open();
 * }</pre>
 * - Order (per epoch, from the seed): files shuffled (filenames_shuffle_buffer_size), num_readers
 *   files interleaved read_block_length records at a time, a shuffle buffer of shuffle_buffer_size
 *   drained at the end of each epoch, 1 of every sample_1_of_n_examples kept. Workers parse, decode,
 *   augment and resize each example with a `Random` seeded from (seed, epoch, index); a batcher takes
 *   them back in order, pads or truncates boxes to max_number_of_boxes (one warning, counted), and
 *   keeps num_prefetch_batches batches ready. The batches are identical for a seed on any number of
 *   threads, and a pipeline opened at a saved position continues exactly, re-reading only that
 *   epoch's record framing (no image is decoded).
 * - The last partial batch is dropped for `train_input_reader` (the training graph has a fixed batch
 *   size) and kept for `eval_input_reader`; `PipelineOptions.withDropRemainder` overrides it.
 * - Corrupt records fail fast by default; with `skipCorruptRecords` they and unusable examples are
 *   skipped, logged and counted.
 * - Speed (`scripts/bench_input_pipeline.sh`, 640x480 JPEGs, flip + ssd_random_crop + 300x300, on a
 *   shared 2-core machine): about 60 images/s on one worker thread, 4.5x what the SSD MobileNetV1
 *   training step consumes (13.5 images/s).
 */
package dev.finetune.data;
