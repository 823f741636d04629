package dev.finetune.data.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageCodecTest {
  @Test
  void rgbPngDecodesExactly() throws IOException {
    BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0x102030);
    img.setRGB(2, 1, 0xff8001);
    RgbImage out = ImageCodec.decode(ImageCodec.encodePng(img));
    assertThat(out.height()).isEqualTo(2);
    assertThat(out.width()).isEqualTo(3);
    assertThat(pixel(out, 0, 0)).containsExactly(0x10, 0x20, 0x30);
    assertThat(pixel(out, 1, 2)).containsExactly(0xff, 0x80, 0x01);
  }

  @Test
  void grayPngKeepsItsValuesInAllThreeChannels() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 50);
    img.getRaster().setSample(1, 0, 0, 200);
    RgbImage out = ImageCodec.decode(ImageCodec.encodePng(img));
    // Java's gray colour space would turn 50 into ~124 through getRGB; TensorFlow keeps 50.
    assertThat(pixel(out, 0, 0)).containsExactly(50, 50, 50);
    assertThat(pixel(out, 0, 1)).containsExactly(200, 200, 200);
  }

  @Test
  void sixteenBitGrayKeepsTheHighByte() throws IOException {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSample(0, 0, 0, 0x1234);
    img.getRaster().setSample(1, 0, 0, 0xffff);
    RgbImage out = ImageCodec.decode(ImageCodec.encodePng(img));
    assertThat(pixel(out, 0, 0)).containsExactly(0x12, 0x12, 0x12);
    assertThat(pixel(out, 0, 1)).containsExactly(255, 255, 255);
  }

  @Test
  void alphaIsDroppedAndPalettesExpanded() throws IOException {
    BufferedImage rgba = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    rgba.setRGB(0, 0, 0x40a0b0c0);
    assertThat(pixel(ImageCodec.decode(ImageCodec.encodePng(rgba)), 0, 0)).containsExactly(0xa0, 0xb0, 0xc0);

    IndexColorModel palette =
        new IndexColorModel(8, 2, new byte[] {0, (byte) 250}, new byte[] {0, 10}, new byte[] {0, 20});
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
    indexed.getRaster().setSample(1, 0, 0, 1);
    RgbImage out = ImageCodec.decode(ImageCodec.encodePng(indexed));
    assertThat(pixel(out, 0, 1)).containsExactly(250, 10, 20);
  }

  @Test
  void pngDecodesAsTensorFlowsDecodePngForEveryPixelLayout() throws IOException {
    java.util.Random rng = new java.util.Random(3);
    int[] types = {
      BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_GRAY,
      BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_BYTE_BINARY, BufferedImage.TYPE_BYTE_INDEXED,
      BufferedImage.TYPE_4BYTE_ABGR
    };
    for (int type : types) {
      BufferedImage img = new BufferedImage(7, 5, type);
      WritableRaster r = img.getRaster();
      for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 7; x++) {
          for (int b = 0; b < r.getNumBands(); b++) {
            r.setSample(x, y, b, rng.nextInt(1 << r.getSampleModel().getSampleSize(b)));
          }
        }
      }
      byte[] png = ImageCodec.encodePng(img);
      assertThat(ImageCodec.decode(png).pixels())
          .as("BufferedImage type %d", type)
          .containsExactly(TfDecodeReference.decodePng(png).pixels());
    }
  }

  @Test
  void jpegDecodesAsTensorFlowAndCloseToItsSource() throws IOException {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        img.setRGB(x, y, 0xc86432);
      }
    }
    byte[] jpeg = ImageCodec.encodeJpeg(img, 0.95f);
    RgbImage out = ImageCodec.decode(jpeg);
    assertThat(out.pixels()).containsExactly(TfDecodeReference.decodeJpeg(jpeg).pixels());
    float[] p = pixel(out, 8, 8);
    assertThat(p[0]).isCloseTo(200f, org.assertj.core.data.Offset.offset(4f));
    assertThat(p[1]).isCloseTo(100f, org.assertj.core.data.Offset.offset(4f));
    assertThat(p[2]).isCloseTo(50f, org.assertj.core.data.Offset.offset(4f));
  }

  @Test
  void cmykJpegIsConvertedAsTensorFlowDoes() throws IOException {
    // A 4-channel raster written by ImageIO's JPEG writer is plain CMYK (no Adobe marker): TensorFlow
    // reads the samples as ink, R = (255 - C) * (255 - K) / 255 in integers.
    byte[] plain = cmykJpeg(new int[] {0, 128, 255, 51});
    RgbImage out = ImageCodec.decode(plain);
    assertThat(out.pixels()).containsExactly(TfDecodeReference.decodeJpeg(plain).pixels());
    assertThat(out.height()).isEqualTo(8);
    float[] p = pixel(out, 4, 4);
    assertThat(p[0]).isCloseTo(204f, org.assertj.core.data.Offset.offset(3f));
    assertThat(p[1]).isCloseTo(101f, org.assertj.core.data.Offset.offset(3f));
    assertThat(p[2]).isCloseTo(0f, org.assertj.core.data.Offset.offset(3f));

    // With an Adobe APP14 marker (Photoshop's CMYK) the samples are inverted: R = C * K / 255.
    byte[] adobe = withAdobeMarker(cmykJpeg(new int[] {255, 128, 0, 255}));
    RgbImage inverted = ImageCodec.decode(adobe);
    assertThat(inverted.pixels()).containsExactly(TfDecodeReference.decodeJpeg(adobe).pixels());
    float[] q = pixel(inverted, 4, 4);
    assertThat(q[0]).isCloseTo(255f, org.assertj.core.data.Offset.offset(3f));
    assertThat(q[1]).isCloseTo(128f, org.assertj.core.data.Offset.offset(3f));
    assertThat(q[2]).isCloseTo(0f, org.assertj.core.data.Offset.offset(3f));
  }

  @Test
  void grayJpegIsReplicatedToThreeChannels() throws IOException {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        img.getRaster().setSample(x, y, 0, 60);
      }
    }
    byte[] jpeg = ImageCodec.encodeJpeg(img, 0.95f);
    RgbImage out = ImageCodec.decode(jpeg);
    assertThat(out.pixels()).containsExactly(TfDecodeReference.decodeJpeg(jpeg).pixels());
    float[] p = pixel(out, 8, 8);
    // No gamma change: Java's gray colour space would give ~136 through getRGB.
    assertThat(p[0]).isCloseTo(60f, org.assertj.core.data.Offset.offset(2f));
    assertThat(p[1]).isEqualTo(p[0]);
    assertThat(p[2]).isEqualTo(p[0]);
  }

  private static byte[] cmykJpeg(int[] cmyk) throws IOException {
    WritableRaster raster = Raster.createBandedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 8, 8, 4, null);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        raster.setPixel(x, y, cmyk);
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    }
    return bytes.toByteArray();
  }

  /** Inserts an APP14 "Adobe" segment (transform 0: CMYK stored as is) right after SOI. */
  private static byte[] withAdobeMarker(byte[] jpeg) {
    byte[] app14 = {
      (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    byte[] out = new byte[jpeg.length + app14.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app14, 0, out, 2, app14.length);
    System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
    return out;
  }

  @Test
  void garbageAndTruncatedImagesAreIoErrors() throws IOException {
    assertThatThrownBy(() -> ImageCodec.decode(new byte[] {1, 2, 3, 4}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a JPEG or PNG");
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR);
    byte[] png = ImageCodec.encodePng(img);
    assertThatThrownBy(() -> ImageCodec.decode(java.util.Arrays.copyOf(png, png.length / 3)))
        .isInstanceOf(IOException.class);
    // TensorFlow's DecodeJpeg (try_recover_truncated false) rejects a JPEG cut anywhere, even one
    // missing only its end marker, where ImageIO returned a grey-filled image.
    byte[] jpeg = ImageCodec.encodeJpeg(img, 0.9f);
    for (int length : new int[] {3, jpeg.length / 2, jpeg.length - 2}) {
      assertThatThrownBy(() -> ImageCodec.decode(java.util.Arrays.copyOf(jpeg, length)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("JPEG data is damaged or truncated");
    }
  }

  private static float[] pixel(RgbImage img, int y, int x) {
    int i = (y * img.width() + x) * 3;
    return new float[] {img.pixels()[i], img.pixels()[i + 1], img.pixels()[i + 2]};
  }
}
