package dev.finetune.model.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A minimal reader of NumPy {@code .npy} files holding little-endian float32 ({@code <f4}). */
final class Npy {
  final long[] shape;
  final float[] data;

  private Npy(long[] shape, float[] data) {
    this.shape = shape;
    this.data = data;
  }

  static Npy read(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[6];
    buf.get(magic);
    if (magic[0] != (byte) 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
      throw new IOException(file + ": not an .npy file");
    }
    int major = buf.get();
    buf.get();
    int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
    byte[] header = new byte[headerLen];
    buf.get(header);
    String h = new String(header, StandardCharsets.US_ASCII);
    if (!h.contains("'descr': '<f4'") || h.contains("'fortran_order': True")) {
      throw new IOException(file + ": only C-order <f4 is supported, header " + h);
    }
    Matcher m = Pattern.compile("'shape': \\(([^)]*)\\)").matcher(h);
    if (!m.find()) {
      throw new IOException(file + ": no shape in header " + h);
    }
    long[] shape = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[] data = new float[(int) n];
    buf.asFloatBuffer().get(data);
    return new Npy(shape, data);
  }
}
