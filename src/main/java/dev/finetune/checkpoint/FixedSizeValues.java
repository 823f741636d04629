package dev.finetune.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.proto.DataType;

/**
 * Reads the values of fixed-size tensors (every decodable dtype but string), whole or assembled
 * from slices, and converts the stored elements as they stream by: into Java arrays (half and
 * bfloat16 widened to float, unsigned types widened), into little-endian bytes, or straight into a
 * TensorFlow tensor's memory.
 */
final class FixedSizeValues {
  private final DataShards shards;
  private final PartitionedVariables partitions;
  private final Path prefix;
  private final ByteOrder order;

  FixedSizeValues(DataShards shards, PartitionedVariables partitions) {
    this.shards = shards;
    this.partitions = partitions;
    this.prefix = shards.prefix();
    this.order = shards.order();
  }

  /** Float, half, bfloat16 or complex64 (interleaved real, imaginary) as floats. */
  float[] floats(TensorEntry e) {
    int perElement = e.dtype() == DataType.DT_COMPLEX64 ? 2 : 1;
    float[] out = new float[elementCount(e) * perElement];
    int[] pos = {0};
    DataType dtype = e.dtype();
    stream(e, chunk -> {
      if (dtype == DataType.DT_FLOAT || dtype == DataType.DT_COMPLEX64) {
        int n = chunk.remaining() / 4;
        chunk.asFloatBuffer().get(out, pos[0], n);
        pos[0] += n;
      } else {
        boolean half = dtype == DataType.DT_HALF;
        while (chunk.hasRemaining()) {
          short s = chunk.getShort();
          out[pos[0]++] = half ? Dtypes.halfToFloat(s) : Dtypes.bfloat16ToFloat(s);
        }
      }
    });
    return out;
  }

  /** Double or complex128 (interleaved real, imaginary) as doubles. */
  double[] doubles(TensorEntry e) {
    int perElement = e.dtype() == DataType.DT_COMPLEX128 ? 2 : 1;
    double[] out = new double[elementCount(e) * perElement];
    int[] pos = {0};
    stream(e, chunk -> {
      int n = chunk.remaining() / 8;
      chunk.asDoubleBuffer().get(out, pos[0], n);
      pos[0] += n;
    });
    return out;
  }

  /** An integer type of at most 32 bits (or a quantized int) as ints; unsigned ones widened. */
  int[] ints(TensorEntry e) {
    int[] out = new int[elementCount(e)];
    int[] pos = {0};
    DataType dtype = e.dtype();
    stream(e, chunk -> {
      switch (dtype) {
        case DT_INT32, DT_QINT32 -> {
          int n = chunk.remaining() / 4;
          chunk.asIntBuffer().get(out, pos[0], n);
          pos[0] += n;
        }
        case DT_INT16, DT_QINT16 -> {
          while (chunk.hasRemaining()) {
            out[pos[0]++] = chunk.getShort();
          }
        }
        case DT_UINT16, DT_QUINT16 -> {
          while (chunk.hasRemaining()) {
            out[pos[0]++] = chunk.getShort() & 0xffff;
          }
        }
        case DT_INT8, DT_QINT8 -> {
          while (chunk.hasRemaining()) {
            out[pos[0]++] = chunk.get();
          }
        }
        default -> { // uint8, quint8
          while (chunk.hasRemaining()) {
            out[pos[0]++] = chunk.get() & 0xff;
          }
        }
      }
    });
    return out;
  }

  /** Int64, uint32 (widened) or uint64 (raw bits) as longs. */
  long[] longs(TensorEntry e) {
    long[] out = new long[elementCount(e)];
    int[] pos = {0};
    boolean uint32 = e.dtype() == DataType.DT_UINT32;
    stream(e, chunk -> {
      if (uint32) {
        while (chunk.hasRemaining()) {
          out[pos[0]++] = chunk.getInt() & 0xffffffffL;
        }
      } else {
        int n = chunk.remaining() / 8;
        chunk.asLongBuffer().get(out, pos[0], n);
        pos[0] += n;
      }
    });
    return out;
  }

  /** A bool tensor as booleans (any non-zero byte is true). */
  boolean[] booleans(TensorEntry e) {
    boolean[] out = new boolean[JavaArrays.checkedLength(e, 1, prefix)];
    int[] pos = {0};
    stream(e, chunk -> {
      while (chunk.hasRemaining()) {
        out[pos[0]++] = chunk.get() != 0;
      }
    });
    return out;
  }

  /** The stored bytes, swapped to little-endian order if the checkpoint is big-endian. */
  byte[] littleEndianBytes(TensorEntry e) {
    requireFixedSize(e);
    byte[] out = new byte[JavaArrays.checkedBytes(e, prefix)];
    DataShards.ChunkSink fill = DataShards.ChunkSink.filling(out);
    stream(e, chunk -> {
      Dtypes.swapToLittleEndian(chunk, order, e.dtype());
      fill.accept(chunk);
    });
    return out;
  }

  /**
   * Fills {@code data}, the memory of a new tensor of {@code e}'s dtype and shape, with its values:
   * straight from the file when the tensor memory is reachable as one buffer, else chunk by chunk.
   */
  void copyInto(TensorEntry e, ByteDataBuffer data) {
    ByteBuffer memory = e.isSliced() ? null : NativeMemory.view(data);
    if (memory != null && memory.capacity() == e.sizeBytes()) {
      requireFixedSize(e);
      shards.readInto(e, memory); // straight from the file into the tensor
      Dtypes.swapToLittleEndian(memory.clear(), order, e.dtype());
      return;
    }
    long[] pos = {0};
    byte[] copy = new byte[(int) Math.min(DataShards.CHUNK, Math.max(1, e.sizeBytes()))];
    stream(e, chunk -> {
      Dtypes.swapToLittleEndian(chunk, order, e.dtype());
      while (chunk.hasRemaining()) {
        int n = Math.min(copy.length, chunk.remaining());
        chunk.get(copy, 0, n);
        data.offset(pos[0]).write(copy, 0, n);
        pos[0] += n;
      }
    });
  }

  CheckpointException notDecodable(TensorEntry e) {
    return new CheckpointException(
        "tensor '" + e.name() + "' in " + prefix + " is a " + e.dtypeName() + " tensor, which is"
            + " listed but cannot be read as values.");
  }

  private int elementCount(TensorEntry e) {
    return JavaArrays.checkedLength(e, Dtypes.elementSize(e.dtype()), prefix);
  }

  /**
   * Streams the bytes of fixed-size tensor {@code e} to {@code sink} in chunks, verifying the
   * CRC32C as it goes; throws (after the last chunk) if it does not match, so callers must not
   * publish what the sink built until this returns.
   */
  private void stream(TensorEntry e, DataShards.ChunkSink sink) {
    requireFixedSize(e);
    if (e.isSliced()) {
      sink.accept(ByteBuffer.wrap(partitions.assemble(e)).order(order));
      return;
    }
    shards.stream(e, sink);
  }

  private void requireFixedSize(TensorEntry e) {
    if (Dtypes.elementSize(e.dtype()) <= 0 || !e.isDecodable()) {
      throw notDecodable(e);
    }
  }
}
