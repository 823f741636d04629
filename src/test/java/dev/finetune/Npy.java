package dev.finetune;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' one reader of NumPy's .npy format (the reference arrays in ../shared/fixtures):
 * C order, little-endian; {@link #floats()} for float32 ({@code <f4}).
 */
public record Npy(long[] shape, String dtype, ByteBuffer data) {

  public static Npy read(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    b.get(magic);
    if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IOException(file + " is not a .npy file");
    }
    int major = b.get();
    b.get();
    int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
    byte[] header = new byte[headerLen];
    b.get(header);
    String h = new String(header, StandardCharsets.ISO_8859_1);
    Matcher d = Pattern.compile("'descr':\\s*'([^']*)'").matcher(h);
    Matcher s = Pattern.compile("'shape':\\s*\\(([^)]*)\\)").matcher(h);
    if (!d.find() || !s.find() || h.contains("'fortran_order': True")) {
      throw new IOException(file + ": unsupported header " + h);
    }
    long[] shape =
        Arrays.stream(s.group(1).split(","))
            .map(String::trim)
            .filter(x -> !x.isEmpty())
            .mapToLong(Long::parseLong)
            .toArray();
    return new Npy(shape, d.group(1), b.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  /** The number of elements the shape holds. */
  public long size() {
    return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
  }

  /** The values, row-major; the file must be float32 and hold exactly {@link #size()} of them. */
  public float[] floats() {
    if (!dtype.equals("<f4")) {
      throw new IllegalStateException("dtype " + dtype + " is not <f4");
    }
    if (data.remaining() / 4 < size()) {
      throw new IllegalStateException("the data holds " + data.remaining() / 4 + " floats, the shape "
          + Arrays.toString(shape) + " needs " + size());
    }
    float[] out = new float[(int) size()];
    data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }
}
