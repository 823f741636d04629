package dev.finetune.checkpoint;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint16;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TType;

/**
 * Reads a TensorFlow V2 checkpoint ("tensor bundle": {@code PREFIX.index} plus {@code
 * PREFIX.data-NNNNN-of-MMMMM}) in pure Java: TF1 {@code Saver} checkpoints, TF2 object-based ones
 * and SavedModel {@code variables/}.
 *
 * <p>Opening reads only the index: {@link #entries()} lists every tensor's name, dtype, shape and
 * size. Values are read on demand, as Java arrays or as a TensorFlow tensor ready to feed; the
 * masked CRC32C of every block and every tensor is verified, so a value is never returned from
 * damaged bytes. Every problem is a {@link CheckpointException} naming the file, the tensor and the
 * offset. Thread-safe for reads; close it to release the data files.
 */
public final class CheckpointReader implements AutoCloseable {
  /** The key TF2 object-based checkpoints store their object graph under. */
  public static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";

  private final Path prefix;
  private final BundleIndex index;
  private final Map<String, TensorEntry> entries;
  private final DataShards shards;
  private final FixedSizeValues values;
  private ObjectGraph objectGraph; // decoded on first use

  private CheckpointReader(Path prefix, BundleIndex index) {
    this.prefix = prefix;
    this.index = index;
    this.entries = index.entries();
    this.shards = new DataShards(prefix, index.numShards(), index.order());
    this.values = new FixedSizeValues(shards, new PartitionedVariables(shards, index.slices()));
  }

  /**
   * Opens the checkpoint at {@code path}: a prefix ({@code .../model.ckpt-1200}), one of its files
   * ({@code .index}, {@code .data-...}), a directory with a {@code checkpoint} state file (its
   * latest checkpoint), or a SavedModel directory or its {@code variables/} directory.
   */
  public static CheckpointReader open(Path path) {
    return openPrefix(CheckpointLocator.resolve(path));
  }

  /**
   * Turns the CRC32C check of tensor data off (on by default) or back on. Index blocks are always
   * verified. Only for trusted files when every percent of read speed matters: without the check a
   * damaged data file yields wrong values silently.
   */
  public CheckpointReader verifyTensorChecksums(boolean verify) {
    shards.verifyChecksums(verify);
    return this;
  }

  /** Opens the checkpoint whose files are {@code prefix.index} and {@code prefix.data-*}. */
  public static CheckpointReader openPrefix(Path prefix) {
    return new CheckpointReader(prefix, BundleIndex.read(prefix));
  }

  /** The data file of shard {@code shard} (of {@code numShards}) of {@code prefix}. */
  public static Path dataFile(Path prefix, int shard, int numShards) {
    return CheckpointLocator.dataFile(prefix, shard, numShards);
  }

  /** The checkpoint prefix, e.g. {@code /models/run1/model.ckpt-1200}. */
  public Path prefix() {
    return prefix;
  }

  public int numShards() {
    return index.numShards();
  }

  /** The byte order the data files were written in (little endian on every common machine). */
  public ByteOrder byteOrder() {
    return index.order();
  }

  /**
   * Every tensor in key order. The internal keys of partitioned-variable slices are not listed;
   * the variable they belong to is, with {@link TensorEntry#isSliced()}.
   */
  public List<TensorEntry> entries() {
    return List.copyOf(entries.values());
  }

  /** Whether the checkpoint has a tensor named {@code name}. */
  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The entry named {@code name}, if present. */
  public Optional<TensorEntry> find(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** The entry named {@code name}; a {@link CheckpointException} naming near misses if absent. */
  public TensorEntry entry(String name) {
    TensorEntry e = entries.get(name);
    if (e == null) {
      throw new CheckpointException(
          "tensor '" + name + "' is not in checkpoint " + prefix + " (" + entries.size()
              + " tensors)." + suggestions(name));
    }
    return e;
  }

  /** Names that differ from {@code name} only by a scope prefix, else by all but the last part. */
  private String suggestions(String name) {
    List<String> near = new ArrayList<>();
    for (String k : entries.keySet()) {
      if ((k.endsWith("/" + name) || name.endsWith("/" + k)) && near.size() < 5) {
        near.add(k);
      }
    }
    String last = name.substring(name.lastIndexOf('/') + 1);
    for (String k : entries.keySet()) {
      if (near.isEmpty() && !last.isEmpty() && k.endsWith("/" + last) || k.equals(last)) {
        if (!near.contains(k) && near.size() < 5) {
          near.add(k);
        }
      }
    }
    return near.isEmpty() ? "" : " Similar names: " + String.join(", ", near);
  }

  /** The layout: TF2 object-based (has an object graph) or TF1 variable names. */
  public CheckpointLayout layout() {
    return entries.containsKey(OBJECT_GRAPH_KEY) ? CheckpointLayout.TF2 : CheckpointLayout.TF1;
  }

  /** The decoded object graph of a TF2 checkpoint; empty for a TF1 one. */
  public synchronized Optional<ObjectGraph> objectGraph() {
    if (objectGraph != null || !entries.containsKey(OBJECT_GRAPH_KEY)) {
      return Optional.ofNullable(objectGraph);
    }
    byte[][] value = readStrings(OBJECT_GRAPH_KEY);
    if (value.length != 1) {
      throw new CheckpointException(
          "checkpoint " + prefix + ": " + OBJECT_GRAPH_KEY + " holds " + value.length
              + " strings, expected one.");
    }
    objectGraph = ObjectGraph.parse(value[0], prefix + " " + OBJECT_GRAPH_KEY);
    return Optional.of(objectGraph);
  }

  // ---------------------------------------------------------------------------------------------
  // Reading values

  /** Reads tensor {@code name} as Java values (see {@link TensorData} for the array types). */
  public TensorData read(String name) {
    TensorEntry e = entry(name);
    Object array = switch (e.dtype()) {
      case DT_FLOAT, DT_HALF, DT_BFLOAT16, DT_COMPLEX64 -> values.floats(e);
      case DT_DOUBLE, DT_COMPLEX128 -> values.doubles(e);
      case DT_INT8, DT_INT16, DT_INT32, DT_UINT8, DT_UINT16, DT_QINT8, DT_QUINT8, DT_QINT16,
          DT_QUINT16, DT_QINT32 -> values.ints(e);
      case DT_INT64, DT_UINT32, DT_UINT64 -> values.longs(e);
      case DT_BOOL -> readBooleans(name);
      case DT_STRING -> readStrings(name);
      default -> throw values.notDecodable(e);
    };
    return new TensorData(e, array);
  }

  /** Reads a float, half or bfloat16 tensor as floats (half and bfloat16 widen exactly). */
  public float[] readFloats(String name) {
    TensorEntry e = entry(name);
    return switch (e.dtype()) {
      case DT_FLOAT, DT_HALF, DT_BFLOAT16 -> values.floats(e);
      default -> throw wrongType(e, "readFloats", "float, half or bfloat16");
    };
  }

  /** Reads any real numeric or bool tensor as doubles (uint64 above 2^63 as its unsigned value). */
  public double[] readDoubles(String name) {
    TensorEntry e = entry(name);
    if (e.dtype() == DataType.DT_DOUBLE) {
      return values.doubles(e);
    }
    if (e.dtype() == DataType.DT_STRING || e.dtype() == DataType.DT_COMPLEX64
        || e.dtype() == DataType.DT_COMPLEX128) {
      throw wrongType(e, "readDoubles", "a real number type");
    }
    TensorData data = read(name);
    double[] out = new double[JavaArrays.checkedLength(e, 1, prefix)];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.getDouble(i);
    }
    return out;
  }

  /** Reads an int8/int16/int32/uint8/uint16 (or quantized int) tensor as ints. */
  public int[] readInts(String name) {
    TensorEntry e = entry(name);
    return switch (e.dtype()) {
      case DT_INT8, DT_INT16, DT_INT32, DT_UINT8, DT_UINT16, DT_QINT8, DT_QUINT8, DT_QINT16,
          DT_QUINT16, DT_QINT32 -> values.ints(e);
      default -> throw wrongType(e, "readInts", "an integer type of at most 32 bits");
    };
  }

  /** Reads any integer tensor as longs (uint64 as raw bits: use Long.toUnsignedString). */
  public long[] readLongs(String name) {
    TensorEntry e = entry(name);
    return switch (e.dtype()) {
      case DT_INT64, DT_UINT32, DT_UINT64 -> values.longs(e);
      case DT_INT8, DT_INT16, DT_INT32, DT_UINT8, DT_UINT16, DT_QINT8, DT_QUINT8, DT_QINT16,
          DT_QUINT16, DT_QINT32 -> Arrays.stream(values.ints(e)).asLongStream().toArray();
      default -> throw wrongType(e, "readLongs", "an integer type");
    };
  }

  public boolean[] readBooleans(String name) {
    TensorEntry e = entry(name);
    if (e.dtype() != DataType.DT_BOOL) {
      throw wrongType(e, "readBooleans", "bool");
    }
    return values.booleans(e);
  }

  /**
   * The stored bytes of a fixed-size tensor, in little-endian order (swapped if the checkpoint is
   * big-endian): exactly what a TensorFlow tensor of that dtype holds in memory.
   */
  public byte[] readBytes(String name) {
    return values.littleEndianBytes(entry(name));
  }

  /** Reads a string tensor: one byte array per element. */
  public byte[][] readStrings(String name) {
    TensorEntry e = entry(name);
    if (e.dtype() != DataType.DT_STRING) {
      throw wrongType(e, "readStrings", "string");
    }
    return StringTensors.read(shards, e);
  }

  /**
   * Reads tensor {@code name} into a new TensorFlow tensor of the same dtype and shape (the caller
   * closes it). Supported: float, double, half, bfloat16, int32, int64, uint8, uint16, bool and
   * string (the dtypes TensorFlow Java has tensor classes for). Tensors larger than 2 GB are
   * streamed, never held in a Java array.
   */
  public Tensor toTensor(String name) {
    TensorEntry e = entry(name);
    Class<? extends TType> type = switch (e.dtype()) {
      case DT_FLOAT -> TFloat32.class;
      case DT_DOUBLE -> TFloat64.class;
      case DT_HALF -> TFloat16.class;
      case DT_BFLOAT16 -> TBfloat16.class;
      case DT_INT32 -> TInt32.class;
      case DT_INT64 -> TInt64.class;
      case DT_UINT8 -> TUint8.class;
      case DT_UINT16 -> TUint16.class;
      case DT_BOOL -> TBool.class;
      case DT_STRING -> TString.class;
      default -> throw new CheckpointException(
          "tensor '" + e.name() + "' in " + prefix + " is " + e.dtypeName() + ", which TensorFlow"
              + " Java has no tensor class for; read it as Java values with read().");
    };
    Shape shape = Shape.of(e.shape());
    if (type == TString.class) {
      byte[][] strings = readStrings(name);
      return TString.tensorOfBytes(shape, DataBuffers.ofObjects(strings));
    }
    TType tensor = Tensor.of(type, shape);
    try {
      values.copyInto(e, tensor.asRawTensor().data());
      return tensor;
    } catch (RuntimeException ex) {
      tensor.close();
      throw ex;
    }
  }

  private CheckpointException wrongType(TensorEntry e, String method, String expected) {
    return new CheckpointException(
        "tensor '" + e.name() + "' in " + prefix + " is " + e.dtypeName() + " " + e.shapeString()
            + "; " + method + " needs " + expected + ".");
  }

  @Override
  public synchronized void close() {
    shards.close();
  }
}
