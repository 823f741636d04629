package dev.finetune.checkpoint;

import dev.finetune.util.MaskedCrc32c;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;

/** Writes small single-shard bundles entry by entry, for tests that need exact names and shapes. */
final class TestBundles {
  private final List<TableReader.Entry> entries = new ArrayList<>();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  TestBundles() {
    entries.add(new TableReader.Entry(new byte[0], BundleHeaderProto.newBuilder().setNumShards(1)
        .setEndianness(BundleHeaderProto.Endianness.LITTLE).build().toByteArray(), 0));
  }

  /** Adds a tensor of {@code dtype} and {@code shape} with the given little-endian bytes. */
  TestBundles add(String name, DataType dtype, long[] shape, byte[] bytes) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : shape) {
      s.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    BundleEntryProto e = BundleEntryProto.newBuilder().setDtype(dtype).setShape(s)
        .setShardId(0).setOffset(data.size()).setSize(bytes.length)
        .setCrc32C(MaskedCrc32c.maskedCrc(bytes)).build();
    entries.add(new TableReader.Entry(name.getBytes(), e.toByteArray(), 0));
    data.writeBytes(bytes);
    return this;
  }

  /** Adds a float32 tensor whose element i is {@code start + i}. */
  TestBundles floats(String name, float start, long... shape) {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    ByteBuffer b = ByteBuffer.allocate((int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      b.putFloat(start + i);
    }
    return add(name, DataType.DT_FLOAT, shape, b.array());
  }

  /** Adds a tensor of {@code dtype} with zero bytes (values do not matter to a plan). */
  TestBundles zeros(String name, DataType dtype, long... shape) {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    return add(name, dtype, shape, new byte[(int) (n * Dtypes.elementSize(dtype))]);
  }

  Path write(Path prefix) throws IOException {
    List<TableReader.Entry> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    Files.write(CheckpointLocator.index(prefix), TestTables.write(sorted, 4096, 16, false));
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), data.toByteArray());
    return prefix;
  }
}
