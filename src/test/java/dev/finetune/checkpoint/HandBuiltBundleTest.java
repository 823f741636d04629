package dev.finetune.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.finetune.util.MaskedCrc32c;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.TensorSliceProto;

/**
 * Bundles built entry by entry in the documented layout, for what TensorFlow Java cannot write: a
 * TF1 partitioned variable (slices under OrderedCode keys), a big-endian two-shard bundle, the
 * dtypes TF Java has no class for, and a tensor beyond 2 GB in its data file.
 */
class HandBuiltBundleTest {
  @TempDir Path tmp;

  private static TensorShapeProto shape(long... dims) {
    TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
    for (long d : dims) {
      b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
    }
    return b.build();
  }

  private static byte[] floats(ByteOrder order, float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static TableReader.Entry entry(byte[] key, com.google.protobuf.MessageLite value) {
    return new TableReader.Entry(key, value.toByteArray(), 0);
  }

  private static BundleEntryProto data(DataType dtype, TensorShapeProto shape, int shard,
      long offset, byte[] bytes) {
    return BundleEntryProto.newBuilder().setDtype(dtype).setShape(shape).setShardId(shard)
        .setOffset(offset).setSize(bytes.length)
        .setCrc32C(MaskedCrc32c.maskedCrc(bytes)).build();
  }

  private static BundleHeaderProto header(int shards, BundleHeaderProto.Endianness e) {
    return BundleHeaderProto.newBuilder().setNumShards(shards).setEndianness(e).build();
  }

  /**
   * The index and data of a bundle holding "part", float [4,3] with the values 0..11, saved as
   * rows 0..1 and rows 2..3 (the second dimension whole).
   */
  static byte[][] partitionedBundle() {
    TensorSliceProto top = TensorSliceProto.newBuilder()
        .addExtent(TensorSliceProto.Extent.newBuilder().setStart(0).setLength(2))
        .addExtent(TensorSliceProto.Extent.newBuilder()).build();
    TensorSliceProto bottom = TensorSliceProto.newBuilder()
        .addExtent(TensorSliceProto.Extent.newBuilder().setStart(2).setLength(2))
        .addExtent(TensorSliceProto.Extent.newBuilder()).build();
    byte[] topData = floats(ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 3, 4, 5);
    byte[] bottomData = floats(ByteOrder.LITTLE_ENDIAN, 6, 7, 8, 9, 10, 11);
    List<TableReader.Entry> entries = new ArrayList<>();
    entries.add(entry(new byte[0], header(1, BundleHeaderProto.Endianness.LITTLE)));
    entries.add(entry(SliceKeys.encode("part", top), data(DataType.DT_FLOAT, shape(2, 3), 0, 0, topData)));
    entries.add(entry(SliceKeys.encode("part", bottom), data(DataType.DT_FLOAT, shape(2, 3), 0, 24, bottomData)));
    entries.add(entry("part".getBytes(), BundleEntryProto.newBuilder().setDtype(DataType.DT_FLOAT)
        .setShape(shape(4, 3)).addSlices(top).addSlices(bottom).build()));
    entries.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.writeBytes(topData);
    d.writeBytes(bottomData);
    return new byte[][] {TestTables.write(entries, 4096, 16, false), d.toByteArray()};
  }

  @Test
  void readsAPartitionedVariable() throws Exception {
    byte[][] bundle = partitionedBundle();
    Path prefix = tmp.resolve("partitioned");
    Files.write(CheckpointLocator.index(prefix), bundle[0]);
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), bundle[1]);

    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.entries()).extracting(TensorEntry::name).containsExactly("part");
      TensorEntry part = r.entry("part");
      assertThat(part.isSliced()).isTrue();
      assertThat(part.shape()).containsExactly(4, 3);
      assertThat(part.sizeBytes()).isEqualTo(48);
      assertThat(r.readFloats("part")).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }
  }

  @Test
  void sliceKeysUseTensorFlowsOrderedCode() {
    TensorSliceProto s = TensorSliceProto.newBuilder()
        .addExtent(TensorSliceProto.Extent.newBuilder().setStart(2).setLength(100))
        .addExtent(TensorSliceProto.Extent.newBuilder()).build();
    // 0x00 (the number 0), "w" + separator 0x00 0x01, rank 2 as 0x01 0x02, then signed numbers:
    // 2 -> 0x82, 100 -> two bytes 0xc0 0x64, full extent start 0 -> 0x80, length -1 -> 0x7f.
    assertThat(SliceKeys.encode("w", s)).containsExactly(
        0x00, 'w', 0x00, 0x01, 0x01, 0x02, 0x82, 0xc0, 0x64, 0x80, 0x7f);
  }

  @Test
  void readsABigEndianBundleAcrossTwoShards() throws Exception {
    byte[] a = floats(ByteOrder.BIG_ENDIAN, 1.5f, -2f);
    byte[] b = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(1234567890123L).array();
    List<TableReader.Entry> entries = List.of(
        entry(new byte[0], header(2, BundleHeaderProto.Endianness.BIG)),
        entry("a".getBytes(), data(DataType.DT_FLOAT, shape(2), 0, 0, a)),
        entry("b".getBytes(), data(DataType.DT_INT64, shape(), 1, 0, b)));
    Path prefix = tmp.resolve("be");
    Files.write(CheckpointLocator.index(prefix), TestTables.write(entries, 4096, 16, false));
    Files.write(CheckpointReader.dataFile(prefix, 0, 2), a);
    Files.write(CheckpointReader.dataFile(prefix, 1, 2), b);
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.numShards()).isEqualTo(2);
      assertThat(r.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
      assertThat(r.readFloats("a")).containsExactly(1.5f, -2f);
      assertThat(r.readLongs("b")).containsExactly(1234567890123L);
      assertThat(r.readBytes("a")).isEqualTo(floats(ByteOrder.LITTLE_ENDIAN, 1.5f, -2f));
    }
    Files.delete(CheckpointReader.dataFile(prefix, 1, 2));
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.readFloats("a")).containsExactly(1.5f, -2f);
      assertThatThrownBy(() -> r.readLongs("b"))
          .hasMessageContaining("be.data-00001-of-00002 (shard 1 of 2, needed for tensor 'b') does not exist");
    }
  }

  private Path writeBundle(String name, List<TableReader.Entry> entries, byte[] data)
      throws Exception {
    Path prefix = tmp.resolve(name);
    List<TableReader.Entry> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    Files.write(CheckpointLocator.index(prefix), TestTables.write(sorted, 4096, 16, false));
    Files.write(CheckpointReader.dataFile(prefix, 0, 1), data);
    return prefix;
  }

  @Test
  void readsEveryOtherDtype() throws Exception {
    ByteBuffer d = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
    List<TableReader.Entry> entries = new ArrayList<>();
    entries.add(entry(new byte[0], header(1, BundleHeaderProto.Endianness.LITTLE)));
    java.util.function.BiConsumer<String, Object[]> add = (name, spec) -> {
      DataType dtype = (DataType) spec[0];
      byte[] bytes = (byte[]) spec[1];
      long n = (long) spec[2];
      entries.add(entry(name.getBytes(), data(dtype, shape(n), 0, d.position(), bytes)));
      d.put(bytes);
    };
    add.accept("int8", new Object[] {DataType.DT_INT8, new byte[] {-128, 0, 127}, 3L});
    add.accept("int16", new Object[] {DataType.DT_INT16,
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) -32768).putShort((short) 7).array(), 2L});
    add.accept("uint32", new Object[] {DataType.DT_UINT32,
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1).array(), 1L});
    add.accept("uint64", new Object[] {DataType.DT_UINT64,
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-2).array(), 1L});
    add.accept("complex64", new Object[] {DataType.DT_COMPLEX64, floats(ByteOrder.LITTLE_ENDIAN, 1f, -2f), 1L});
    add.accept("complex128", new Object[] {DataType.DT_COMPLEX128,
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(3).array(), 1L});
    add.accept("qint8", new Object[] {DataType.DT_QINT8, new byte[] {-5}, 1L});
    entries.add(entry("handle".getBytes(), BundleEntryProto.newBuilder()
        .setDtype(DataType.DT_RESOURCE).setShape(shape()).build()));
    Path prefix = writeBundle("dtypes", entries, Arrays.copyOf(d.array(), d.position()));
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.readInts("int8")).containsExactly(-128, 0, 127);
      assertThat(r.readInts("int16")).containsExactly(-32768, 7);
      assertThat(r.readLongs("uint32")).containsExactly(4294967295L);
      assertThat(r.readLongs("uint64")).containsExactly(-2L);
      assertThat(r.read("uint64").get(0)).isEqualTo(new java.math.BigInteger("18446744073709551614"));
      assertThat(r.readDoubles("uint64")).containsExactly(1.8446744073709552E19);
      assertThat((float[]) r.read("complex64").get(0)).containsExactly(1f, -2f);
      assertThat((double[]) r.read("complex128").get(0)).containsExactly(0.5, 3);
      assertThat(r.readInts("qint8")).containsExactly(-5);
      assertThat(r.entry("handle").dtypeName()).isEqualTo("resource");
      assertThat(r.entry("handle").isDecodable()).isFalse();
      assertThatThrownBy(() -> r.read("handle"))
          .hasMessageContaining("is a resource tensor, which is listed but cannot be read");
      assertThatThrownBy(() -> r.toTensor("int8"))
          .hasMessageContaining("int8, which TensorFlow Java has no tensor class for");
    }
  }

  @Test
  void readsATensorBeyondTwoGigabytesIntoTheDataFile() throws Exception {
    long offset = 3_000_000_000L; // a sparse file: the hole takes no disk space
    byte[] value = floats(ByteOrder.LITTLE_ENDIAN, 42f, -1f);
    Path prefix = writeBundle("far", List.of(
        entry(new byte[0], header(1, BundleHeaderProto.Endianness.LITTLE)),
        entry("far".getBytes(), data(DataType.DT_FLOAT, shape(2), 0, offset, value))), new byte[0]);
    try (var ch = java.nio.channels.FileChannel.open(CheckpointReader.dataFile(prefix, 0, 1),
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(value), offset);
    }
    try (CheckpointReader r = CheckpointReader.open(prefix)) {
      assertThat(r.entry("far").offset()).isEqualTo(offset);
      assertThat(r.readFloats("far")).containsExactly(42f, -1f);
    }
  }
}
