package dev.finetune.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DataStorageVisitor;

/**
 * A {@link ByteBuffer} over the memory of a TensorFlow tensor, so a checkpoint reads straight from
 * the file into the tensor (one copy, like a plain read) instead of through a Java array.
 * JavaCPP, which TensorFlow Java itself is built on, makes the direct buffer.
 */
final class NativeMemory {
  private NativeMemory() {}

  /** The tensor memory behind {@code data} as a little-endian buffer, or null if not reachable. */
  static ByteBuffer view(ByteDataBuffer data) {
    return data.accept(new DataStorageVisitor<ByteBuffer>() {
      @Override
      public ByteBuffer visit(ByteBuffer buffer) {
        return buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
      }

      @Override
      public ByteBuffer visit(long address, long size, long scale) {
        long bytes = size * scale;
        if (address == 0 || bytes > Integer.MAX_VALUE) {
          return null;
        }
        return new At(address, bytes).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      }

      @Override
      public ByteBuffer fallback() {
        return null;
      }
    });
  }

  /** A JavaCPP pointer at a known address (the tensor owns the memory). */
  private static final class At extends Pointer {
    At(long address, long bytes) {
      this.address = address;
      this.limit = bytes;
      this.capacity = bytes;
    }
  }
}
