package dev.finetune.checkpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.TensorSliceProto;

/**
 * Reads TF1 partitioned variables: the variable's own index entry stores no bytes, only the list of
 * slices it was saved as; each slice is stored under its own key ({@link SliceKeys}) and copied
 * into its place in the row-major whole.
 */
final class PartitionedVariables {
  private final DataShards shards;
  private final Path prefix;
  private final Map<String, TensorEntry> slices;

  /** {@code slices}: the slice entries of the index, by {@link SliceKeys#lookupKey}. */
  PartitionedVariables(DataShards shards, Map<String, TensorEntry> slices) {
    this.shards = shards;
    this.prefix = shards.prefix();
    this.slices = slices;
  }

  /** The stored bytes of fixed-size partitioned variable {@code full}, assembled from its slices. */
  byte[] assemble(TensorEntry full) {
    int size = Dtypes.elementSize(full.dtype());
    byte[] out = new byte[JavaArrays.checkedBytes(full, prefix)];
    long covered = 0;
    long[] shape = full.shape();
    for (TensorSliceProto slice : full.slices()) {
      if (slice.getExtentCount() != shape.length) {
        throw new CheckpointException(
            "tensor '" + full.name() + "' in " + prefix + " has a slice of rank "
                + slice.getExtentCount() + " but the variable has rank " + shape.length + ".");
      }
      long[] start = new long[shape.length];
      long[] length = new long[shape.length];
      long count = 1;
      for (int d = 0; d < shape.length; d++) {
        TensorSliceProto.Extent x = slice.getExtent(d);
        boolean fullDim = x.getHasLengthCase() != TensorSliceProto.Extent.HasLengthCase.LENGTH;
        start[d] = fullDim ? 0 : x.getStart();
        length[d] = fullDim ? shape[d] : x.getLength();
        if (start[d] < 0 || length[d] < 0 || start[d] + length[d] > shape[d]) {
          throw new CheckpointException(
              "tensor '" + full.name() + "' in " + prefix + " has a slice outside its shape "
                  + full.shapeString() + ".");
        }
        count *= length[d];
      }
      TensorEntry part = slices.get(SliceKeys.lookupKey(full.name(), slice));
      if (part == null) {
        throw new CheckpointException(
            "checkpoint " + prefix + " is missing a slice of partitioned variable '" + full.name()
                + "' (" + slice.toString().replace('\n', ' ').trim() + ").");
      }
      if (part.dtype() != full.dtype() || part.numElements() != count) {
        throw new CheckpointException(
            "checkpoint " + prefix + ": a slice of partitioned variable '" + full.name()
                + "' has dtype " + part.dtypeName() + " and " + part.numElements()
                + " elements; expected " + full.dtypeName() + " and " + count + ".");
      }
      TensorEntry named = new TensorEntry(
          full.name() + " (slice)", part.dtype(), part.shape(), part.shardId(), part.offset(),
          part.sizeBytes(), part.maskedCrc32c(), List.of());
      byte[] data = new byte[JavaArrays.checkedBytes(named, prefix)];
      shards.stream(named, DataShards.ChunkSink.filling(data));
      copySlice(data, out, shape, start, length, size);
      covered += count;
    }
    if (covered != full.numElements()) {
      throw new CheckpointException(
          "partitioned variable '" + full.name() + "' in " + prefix + ": its slices cover "
              + covered + " of " + full.numElements() + " elements.");
    }
    return out;
  }

  /** Copies a row-major slice into its place in the row-major full tensor, one run at a time. */
  private static void copySlice(
      byte[] src, byte[] dst, long[] shape, long[] start, long[] length, int size) {
    int rank = shape.length;
    if (rank == 0) {
      System.arraycopy(src, 0, dst, 0, size);
      return;
    }
    long run = length[rank - 1] * size;
    long runs = 1;
    for (int d = 0; d < rank - 1; d++) {
      runs *= length[d];
    }
    long[] idx = new long[rank];
    for (long r = 0; r < runs; r++) {
      long flat = 0;
      for (int d = 0; d < rank; d++) {
        flat = flat * shape[d] + start[d] + idx[d];
      }
      System.arraycopy(src, (int) (r * run), dst, (int) (flat * size), (int) run);
      for (int d = rank - 2; d >= 0; d--) {
        if (++idx[d] < length[d]) {
          break;
        }
        idx[d] = 0;
      }
    }
  }
}
