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
  void jpegDecodesCloseToItsSource() throws IOException {
    BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        img.setRGB(x, y, 0xc86432);
      }
    }
    RgbImage out = ImageCodec.decode(ImageCodec.encodeJpeg(img, 0.95f));
    float[] p = pixel(out, 8, 8);
    assertThat(p[0]).isCloseTo(200f, org.assertj.core.data.Offset.offset(4f));
    assertThat(p[1]).isCloseTo(100f, org.assertj.core.data.Offset.offset(4f));
    assertThat(p[2]).isCloseTo(50f, org.assertj.core.data.Offset.offset(4f));
  }

  @Test
  void cmykJpegIsConvertedFromItsRawSamples() throws IOException {
    // A 4-channel raster written by ImageIO's JPEG writer is stored as Adobe (inverted) CMYK.
    WritableRaster raster = Raster.createBandedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 8, 8, 4, null);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        raster.setPixel(x, y, new int[] {255, 128, 0, 255});
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), null);
    }
    RgbImage out = ImageCodec.decode(bytes.toByteArray());
    assertThat(out.height()).isEqualTo(8);
    float[] p = pixel(out, 4, 4);
    assertThat(p[0]).isCloseTo(255f, org.assertj.core.data.Offset.offset(6f));
    assertThat(p[1]).isCloseTo(128f, org.assertj.core.data.Offset.offset(6f));
    assertThat(p[2]).isCloseTo(0f, org.assertj.core.data.Offset.offset(6f));
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
  }

  private static float[] pixel(RgbImage img, int y, int x) {
    int i = (y * img.width() + x) * 3;
    return new float[] {img.pixels()[i], img.pixels()[i + 1], img.pixels()[i + 2]};
  }
}
