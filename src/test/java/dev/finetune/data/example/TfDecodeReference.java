package dev.finetune.data.example;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.op.image.DecodePng;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The test's own reference decoder: one throw-away graph per call running TensorFlow's DecodeJpeg
 * (channels 3 and the Object Detection API's other attributes left at their defaults, as its
 * TfExampleDecoder does) or DecodePng (channels 3), written independently of {@link ImageCodec}.
 */
final class TfDecodeReference {
  private TfDecodeReference() {}

  /** [height, width, 3] as {height, width, values...} flattened: see {@link #decode}. */
  static RgbImage decodeJpeg(byte[] encoded) {
    return decode(encoded, true);
  }

  static RgbImage decodePng(byte[] encoded) {
    return decode(encoded, false);
  }

  private static RgbImage decode(byte[] encoded, boolean jpeg) {
    try (Graph g = new Graph(); Session s = new Session(g);
        TString input = TString.tensorOfBytes(NdArrays.scalarOfObject(encoded))) {
      Ops tf = Ops.create(g);
      var contents = tf.placeholder(TString.class);
      Operand<TUint8> image = jpeg
          ? tf.image.decodeJpeg(contents, DecodeJpeg.channels(3L))
          : tf.image.decodePng(contents, new DecodePng.Options[] {DecodePng.channels(3L)});
      try (Result r = s.runner().feed(contents, input).fetch(image).run()) {
        TUint8 t = (TUint8) r.get(0);
        int h = (int) t.shape().get(0);
        int w = (int) t.shape().get(1);
        byte[] bytes = new byte[h * w * 3];
        t.asRawTensor().data().read(bytes);
        float[] px = new float[bytes.length];
        for (int i = 0; i < px.length; i++) {
          px[i] = bytes[i] & 0xff;
        }
        return new RgbImage(h, w, px);
      }
    }
  }
}
