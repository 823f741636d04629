package dev.finetune.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.TensorSliceProto;

/**
 * A checkpoint's {@code .index} file decoded: the header (shard count, byte order, format version)
 * and one checked {@link TensorEntry} per key. The keys of partitioned-variable slices are kept
 * apart from the tensors a user sees.
 *
 * @param numShards how many {@code .data-*} files hold the values
 * @param order the byte order of the data files
 * @param entries every tensor in key order (unmodifiable)
 * @param slices the slices of partitioned variables, by {@link SliceKeys#lookupKey}
 */
record BundleIndex(
    int numShards, ByteOrder order, Map<String, TensorEntry> entries,
    Map<String, TensorEntry> slices) {

  /** Reads and checks {@code prefix.index}. */
  static BundleIndex read(Path prefix) {
    Path index = CheckpointLocator.index(prefix);
    List<TableReader.Entry> table = TableReader.readAll(index);
    if (table.isEmpty() || table.get(0).key().length != 0) {
      throw new CheckpointException(
          "checkpoint index " + index + " has no header entry: it is not a TensorFlow V2"
              + " checkpoint (tensor bundle) index.");
    }
    BundleHeaderProto header;
    try {
      header = BundleHeaderProto.parseFrom(table.get(0).value());
    } catch (InvalidProtocolBufferException e) {
      throw new CheckpointException(
          "checkpoint index " + index + " has an unreadable header entry: it is not a TensorFlow"
              + " V2 checkpoint index (" + e.getMessage() + ").");
    }
    int numShards = header.getNumShards();
    if (numShards <= 0) {
      throw new CheckpointException(
          "checkpoint index " + index + " says it has " + numShards + " data shards: the header"
              + " is corrupt or this is not a V2 checkpoint index.");
    }
    checkVersion(index, header);
    ByteOrder order =
        header.getEndianness() == BundleHeaderProto.Endianness.BIG
            ? ByteOrder.BIG_ENDIAN
            : ByteOrder.LITTLE_ENDIAN;
    if (header.getEndianness() == BundleHeaderProto.Endianness.UNRECOGNIZED) {
      throw new CheckpointException(
          "checkpoint index " + index + " has unknown endianness " + header.getEndiannessValue() + ".");
    }
    Map<String, TensorEntry> entries = new LinkedHashMap<>();
    Map<String, TensorEntry> slices = new HashMap<>();
    for (TableReader.Entry e : table.subList(1, table.size())) {
      boolean sliceKey = e.key().length > 0 && e.key()[0] == 0;
      String name =
          sliceKey
              ? new String(e.key(), StandardCharsets.ISO_8859_1)
              : new String(e.key(), StandardCharsets.UTF_8);
      TensorEntry entry = parseEntry(index, name, e, numShards);
      (sliceKey ? slices : entries).put(name, entry);
    }
    // A partitioned variable's own entry stores no bytes: list the bytes of its slices.
    for (Map.Entry<String, TensorEntry> m : entries.entrySet()) {
      TensorEntry e = m.getValue();
      if (e.isSliced()) {
        long size = 0;
        for (TensorSliceProto s : e.slices()) {
          TensorEntry part = slices.get(SliceKeys.lookupKey(e.name(), s));
          size += part == null ? 0 : part.sizeBytes();
        }
        m.setValue(new TensorEntry(e.name(), e.dtype(), e.shape(), e.shardId(), e.offset(), size,
            e.maskedCrc32c(), e.slices()));
      }
    }
    return new BundleIndex(numShards, order, Collections.unmodifiableMap(entries), slices);
  }

  private static void checkVersion(Path index, BundleHeaderProto header) {
    // This reader implements bundle format version 1, like TensorFlow itself (kTensorBundleVersion).
    int minConsumer = header.getVersion().getMinConsumer();
    if (minConsumer > 1 || header.getVersion().getBadConsumersList().contains(1)) {
      throw new CheckpointException(
          "checkpoint " + index + " needs a newer reader: it was written in tensor-bundle format"
              + " producer " + header.getVersion().getProducer() + ", min_consumer " + minConsumer
              + ", and this reader implements version 1.");
    }
  }

  private static TensorEntry parseEntry(Path index, String name, TableReader.Entry e, int numShards) {
    BundleEntryProto p;
    try {
      p = BundleEntryProto.parseFrom(e.value());
    } catch (InvalidProtocolBufferException ex) {
      throw new CheckpointException(
          "checkpoint index " + index + " is corrupt: the entry for tensor '" + printable(name)
              + "' (block at offset " + e.blockOffset() + ") does not parse: " + ex.getMessage());
    }
    String where = "checkpoint index " + index + ": tensor '" + printable(name) + "'";
    TensorShapeProto shapeProto = p.getShape();
    if (shapeProto.getUnknownRank()) {
      throw new CheckpointException(where + " has an unknown rank; a saved tensor must have a shape.");
    }
    long[] shape = new long[shapeProto.getDimCount()];
    long elements = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeProto.getDim(i).getSize();
      if (shape[i] < 0) {
        throw new CheckpointException(where + " has an invalid dimension " + shape[i] + ".");
      }
      try {
        elements = Math.multiplyExact(elements, shape[i]);
      } catch (ArithmeticException overflow) {
        throw new CheckpointException(where + " has a shape with too many elements.");
      }
    }
    DataType dtype = p.getDtype();
    int elementSize = Dtypes.elementSize(dtype);
    if (dtype == DataType.DT_INVALID || dtype == DataType.UNRECOGNIZED || elementSize < 0) {
      throw new CheckpointException(
          where + " has an unknown dtype (" + p.getDtypeValue() + "): the index is corrupt or"
              + " was written by a newer TensorFlow.");
    }
    if (p.getShardId() < 0 || p.getShardId() >= numShards) {
      throw new CheckpointException(
          where + " is in shard " + p.getShardId() + " but the checkpoint has " + numShards
              + " shards.");
    }
    if (p.getOffset() < 0 || p.getSize() < 0 || p.getOffset() + p.getSize() < 0) {
      throw new CheckpointException(
          where + " has an invalid location (offset " + p.getOffset() + ", " + p.getSize()
              + " bytes).");
    }
    if (p.getSlicesCount() == 0 && elementSize > 0
        && (elements > Long.MAX_VALUE / elementSize || p.getSize() != elements * elementSize)) {
      throw new CheckpointException(
          where + " (" + Dtypes.name(dtype) + ", " + elements + " elements) stores " + p.getSize()
              + " bytes; expected " + elements * elementSize + ".");
    }
    if (dtype == DataType.DT_STRING && p.getSlicesCount() == 0 && p.getSize() < elements + 4
        && !(elements == 0 && p.getSize() == 0)) {
      throw new CheckpointException(
          where + " (string, " + elements + " elements) stores only " + p.getSize() + " bytes.");
    }
    return new TensorEntry(
        name, dtype, shape, p.getShardId(), p.getOffset(), p.getSize(), p.getCrc32C(),
        List.copyOf(p.getSlicesList()));
  }

  /** A key with control or binary bytes made printable for messages. */
  private static String printable(String key) {
    StringBuilder sb = new StringBuilder();
    for (char ch : key.toCharArray()) {
      if (ch < 0x20 || ch == 0x7f) {
        sb.append(String.format("\\x%02x", (int) ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }
}
