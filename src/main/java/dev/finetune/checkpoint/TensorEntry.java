package dev.finetune.checkpoint;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorSliceProto;

/**
 * One tensor listed in a checkpoint's index, known without reading its data.
 *
 * @param name the checkpoint key (TF1 variable name or TF2 object path)
 * @param dtype the stored dtype
 * @param shape the full shape (of the whole variable for a partitioned one)
 * @param shardId which {@code .data-NNNNN-of-MMMMM} file holds the bytes
 * @param offset byte offset in that file
 * @param sizeBytes stored bytes (for a partitioned variable: the sum over its slices)
 * @param maskedCrc32c the masked CRC32C of the stored bytes
 * @param slices for a TF1 partitioned variable, the slices it was saved as; empty otherwise
 */
public record TensorEntry(
    String name,
    DataType dtype,
    long[] shape,
    int shardId,
    long offset,
    long sizeBytes,
    int maskedCrc32c,
    List<TensorSliceProto> slices) {

  /** TensorFlow's dtype name: "float", "int64", ... */
  public String dtypeName() {
    return Dtypes.name(dtype);
  }

  /** The number of elements (1 for a scalar). */
  public long numElements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Whether this is a TF1 partitioned variable stored as several slices. */
  public boolean isSliced() {
    return !slices.isEmpty();
  }

  /** Whether its values can be read as Java values (resource and variant entries cannot). */
  public boolean isDecodable() {
    return Dtypes.isDecodable(dtype);
  }

  /** The shape as TensorFlow prints it, e.g. {@code [3,3,32,64]}; {@code []} for a scalar. */
  public String shapeString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ",").append(shape[i]);
    }
    return sb.append(']').toString();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorEntry e && name.equals(e.name) && dtype == e.dtype
        && Arrays.equals(shape, e.shape) && shardId == e.shardId && offset == e.offset
        && sizeBytes == e.sizeBytes && maskedCrc32c == e.maskedCrc32c && slices.equals(e.slices);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " (" + dtypeName() + ") " + shapeString();
  }
}
