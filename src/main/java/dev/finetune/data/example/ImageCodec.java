package dev.finetune.data.example;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * JPEG and PNG to RGB floats and back, giving the same values as the Object Detection API's decoder
 * ({@code decode_jpeg(channels=3)} for JPEG, {@code decode_image(channels=3)} otherwise). JPEG goes
 * through TensorFlow's own kernel ({@link TfJpegDecoder}: no Java decoder matches libjpeg's
 * arithmetic bit for bit). Other formats go through {@code javax.imageio}: grayscale is replicated to
 * three channels (read from the raster, not through Java's gray colour space, which would change the
 * values), alpha is dropped, 16-bit samples are scaled to 8 bits, palettes are expanded.
 */
public final class ImageCodec {
  private ImageCodec() {}

  /** Decodes JPEG or PNG bytes; throws {@link IOException} with a reason when that is impossible. */
  public static RgbImage decode(byte[] encoded) throws IOException {
    if (isJpeg(encoded)) {
      return TfJpegDecoder.decode(encoded);
    }
    try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
      if (!readers.hasNext()) {
        throw new IOException("not a JPEG or PNG image (unknown format, " + encoded.length + " bytes)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        BufferedImage image;
        try {
          image = reader.read(0);
        } catch (javax.imageio.IIOException e) {
          if (!"jpeg".equalsIgnoreCase(reader.getFormatName())) {
            throw e;
          }
          // ImageIO cannot build a colour model for CMYK / YCCK JPEGs; their raw raster still reads.
          Raster raster = reader.readRaster(0, null);
          if (raster.getNumBands() != 4) {
            throw e;
          }
          return fromCmyk(raster, true);
        }
        return toRgb(image);
      } finally {
        reader.dispose();
      }
    } catch (RuntimeException e) {
      // ImageIO's decoders throw unchecked exceptions on some damaged inputs.
      throw new IOException("the image data is damaged (" + e + ")", e);
    }
  }

  static RgbImage toRgb(BufferedImage image) {
    int h = image.getHeight();
    int w = image.getWidth();
    float[] out = new float[h * w * 3];
    Raster raster = image.getRaster();
    ColorModel cm = image.getColorModel();
    int type = image.getType();
    if (cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_CMYK && raster.getNumBands() == 4) {
      return fromCmyk(raster, false);
    }
    if (type == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] bgr = ((DataBufferByte) raster.getDataBuffer()).getData();
      for (int i = 0, n = h * w; i < n; i++) {
        out[3 * i] = bgr[3 * i + 2] & 0xff;
        out[3 * i + 1] = bgr[3 * i + 1] & 0xff;
        out[3 * i + 2] = bgr[3 * i] & 0xff;
      }
      return new RgbImage(h, w, out);
    }
    boolean gray = !(cm instanceof IndexColorModel) && raster.getNumBands() <= 2;
    if (gray || (!(cm instanceof IndexColorModel) && raster.getNumBands() >= 3
        && cm.getColorSpace().isCS_sRGB())) {
      int bands = gray ? 1 : 3;
      int bits = raster.getSampleModel().getSampleSize(0);
      int[] row = new int[w * raster.getNumBands()];
      int nb = raster.getNumBands();
      for (int y = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < 3; c++) {
            out[(y * w + x) * 3 + c] = to8Bits(row[x * nb + (bands == 1 ? 0 : c)], bits);
          }
        }
      }
      return new RgbImage(h, w, out);
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < argb.length; i++) {
      out[3 * i] = (argb[i] >> 16) & 0xff;
      out[3 * i + 1] = (argb[i] >> 8) & 0xff;
      out[3 * i + 2] = argb[i] & 0xff;
    }
    return new RgbImage(h, w, out);
  }

  /** As libpng does for TensorFlow: 16-bit keeps the high byte, 1/2/4-bit scales up to 0..255. */
  private static int to8Bits(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    return bits > 8 ? sample >> (bits - 8) : Math.round(sample * 255f / ((1 << bits) - 1));
  }

  /**
   * CMYK to RGB: R = (255 - C) * (255 - K) / 255. ImageIO's CMYK images hold ink amounts; the raw
   * raster of an Adobe JPEG holds them inverted (255 = no ink).
   */
  private static RgbImage fromCmyk(Raster raster, boolean inverted) {
    int h = raster.getHeight();
    int w = raster.getWidth();
    float[] out = new float[h * w * 3];
    int[] px = new int[4];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(x, y, px);
        if (!inverted) {
          for (int c = 0; c < 4; c++) {
            px[c] = 255 - px[c];
          }
        }
        int i = (y * w + x) * 3;
        for (int c = 0; c < 3; c++) {
          out[i + c] = Math.round(px[c] * px[3] / 255f);
        }
      }
    }
    return new RgbImage(h, w, out);
  }

  /** An RGB image (values clamped and rounded to 0..255) as a {@link BufferedImage}. */
  public static BufferedImage toBufferedImage(RgbImage image) {
    BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] bgr = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
    float[] p = image.pixels();
    for (int i = 0, n = image.height() * image.width(); i < n; i++) {
      bgr[3 * i] = clampByte(p[3 * i + 2]);
      bgr[3 * i + 1] = clampByte(p[3 * i + 1]);
      bgr[3 * i + 2] = clampByte(p[3 * i]);
    }
    return out;
  }

  private static byte clampByte(float v) {
    return (byte) Math.max(0, Math.min(255, Math.round(v)));
  }

  public static byte[] encodeJpeg(BufferedImage image, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  public static byte[] encodePng(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }

  /** TensorFlow's {@code is_jpeg} test (the API's decoder uses it to pick decode_jpeg). */
  static boolean isJpeg(byte[] encoded) {
    return encoded.length >= 3 && (encoded[0] & 0xff) == 0xff && (encoded[1] & 0xff) == 0xd8
        && (encoded[2] & 0xff) == 0xff;
  }

  /** "jpeg" or "png" from the first bytes, or null for anything else. */
  public static String sniffFormat(byte[] encoded) {
    if (encoded.length >= 3 && (encoded[0] & 0xff) == 0xff && (encoded[1] & 0xff) == 0xd8) {
      return "jpeg";
    }
    if (encoded.length >= 8 && (encoded[0] & 0xff) == 0x89 && encoded[1] == 'P' && encoded[2] == 'N'
        && encoded[3] == 'G') {
      return "png";
    }
    return null;
  }
}
