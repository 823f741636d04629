/**
 * Reads TensorFlow V2 checkpoints ("tensor bundles": {@code PREFIX.index} + {@code
 * PREFIX.data-NNNNN-of-MMMMM}) in pure Java: TF1 {@code Saver} checkpoints, TF2 object-based ones
 * and SavedModel {@code variables/}. The user-facing command is described in the README.
 *
 * <pre>{@code
 * try (CheckpointReader r = CheckpointReader.open(Path.of("runs/ssd"))) {   // prefix, file, dir, SavedModel
 *   for (TensorEntry e : r.entries()) {          // name, dtype, shape, sizeBytes, shardId, isSliced()
 *     System.out.println(e);                     // "FeatureExtractor/.../weights (float) [3,3,3,32]"
 *   }
 *   float[] w = r.readFloats("FeatureExtractor/MobilenetV1/Conv2d_0/weights");
 *   try (Tensor t = r.toTensor("global_step")) { /* feed it *&#47; }
 *   r.layout();                                  // TF1 names or TF2 object paths
 *   r.objectGraph().ifPresent(g -> g.forKey(key)); // TF2: object path, slot (variable, optimizer, name)
 * }
 * }</pre>
 * - `open(path)` accepts a prefix, one of its files (`.index`, `.data-*`), a training directory (its
 *   `checkpoint` state file names the latest checkpoint, relative or absolute, like
 *   `tf.train.latest_checkpoint`; an absolute path from before the directory was moved falls back to
 *   the same name beside the state file, with a warning), a SavedModel directory or its `variables/`.
 * - Listing reads only the index. Values are read on demand: `read` (any decodable dtype, see
 *   `TensorData`), `readFloats` (float/half/bfloat16), `readDoubles`, `readInts`, `readLongs`,
 *   `readBooleans`, `readStrings`, `readBytes` (raw little-endian), `toTensor` (float, double, half,
 *   bfloat16, int32, int64, uint8, uint16, bool, string; straight into the tensor's memory, tensors
 *   over 2 GB streamed).
 * - Every block and every tensor is checked against its masked CRC32C; errors are
 *   `CheckpointException` (exit code 4) naming the file, the tensor and the offset.
 * - Format coverage: table footer and magic, raw and Snappy blocks, prefix-compressed keys with
 *   restart points, header (shard count, endianness: big-endian bundles are byte-swapped, version),
 *   any shard count, 64-bit offsets, all dtypes (resource/variant and float8/int4 are listed, not
 *   decoded), TF1 partitioned variables (slices are read and assembled; their internal keys are not
 *   listed).
 * - `CheckpointState` reads and writes the `checkpoint` text file (`model_checkpoint_path`,
 *   `all_model_checkpoint_paths`, timestamps); `write(dir)` replaces it atomically (temp file, fsync,
 *   rename). `CheckpointState.forCheckpoints(dir, keptOldestFirst)` builds it for a trainer, relative
 *   to the directory.
 * - The masked CRC32C (TFRecord uses the same) lives in `dev.finetune.util.MaskedCrc32c`.
 * - Inside the reader: `TableReader` (+ `Snappy`, `Varint`) reads the index table, `BundleIndex`
 *   decodes its header and entries, `DataShards` reads and CRC-checks an entry's bytes from its data
 *   file, `FixedSizeValues` converts fixed-size values (with `Dtypes`), `StringTensors` decodes
 *   string tensors, `PartitionedVariables` assembles TF1 slices (keys from `SliceKeys`), and
 *   `JavaArrays` holds the Java array size limit.
 */
package dev.finetune.checkpoint;
