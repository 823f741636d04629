package dev.finetune.data.example;

import java.io.IOException;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * JPEG decoding with TensorFlow's own DecodeJpeg kernel, so pixels are bit-identical to what the
 * Object Detection API feeds its model (its TfExampleDecoder calls {@code decode_jpeg} with
 * {@code channels=3} and every other attribute at its default: {@code dct_method ''} (libjpeg's
 * INTEGER_SLOW IDCT), {@code fancy_upscaling true}, {@code try_recover_truncated false},
 * {@code acceptable_fraction 1}). Java's ImageIO uses another IDCT and chroma upsampling and differs
 * by up to 14 grey levels on most pixels of a real photo.
 *
 * <p>One graph and one session for the whole process, created on first use; {@code Session.run} is
 * thread-safe, so the input pipeline's workers call {@link #decode} concurrently.
 */
final class TfJpegDecoder {
  private TfJpegDecoder() {}

  /** The graph and session, built when the first JPEG is decoded (loading TF costs ~1 s). */
  private static final class Kernel {
    static final Kernel INSTANCE = new Kernel();

    final Graph graph = new Graph();
    final Placeholder<TString> contents;
    final DecodeJpeg image;
    final Session session;

    private Kernel() {
      Ops tf = Ops.create(graph);
      contents = tf.withName("jpeg_contents").placeholder(TString.class);
      image = tf.withName("decoded_jpeg").image.decodeJpeg(contents, DecodeJpeg.channels(3L));
      // No ConfigProto: TensorFlow sizes its process-wide thread pools from the first session
      // created; thread counts of our own could be imposed on the trainer's session.
      session = new Session(graph);
    }
  }

  /**
   * Decodes JPEG bytes to RGB; throws {@link IOException} with TensorFlow's reason when the data is
   * damaged, truncated or not a JPEG.
   */
  static RgbImage decode(byte[] encoded) throws IOException {
    Kernel k = Kernel.INSTANCE;
    try (TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(encoded));
        Result result = k.session.runner().feed(k.contents, input).fetch(k.image).run()) {
      TUint8 rgb = (TUint8) result.get(0);
      int height = (int) rgb.shape().get(0);
      int width = (int) rgb.shape().get(1);
      byte[] bytes = new byte[height * width * 3];
      rgb.asRawTensor().data().read(bytes);
      float[] pixels = new float[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        pixels[i] = bytes[i] & 0xff;
      }
      return new RgbImage(height, width, pixels);
    } catch (TFInvalidArgumentException | TensorFlowException e) {
      // DecodeJpeg rejects truncated data (try_recover_truncated is false), as the API does.
      throw new IOException(
          "the JPEG data is damaged or truncated (TensorFlow: " + firstLine(e.getMessage()) + ")", e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).strip();
  }
}
