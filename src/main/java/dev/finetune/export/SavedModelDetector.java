package dev.finetune.export;

import dev.finetune.data.example.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;

/**
 * An exported model loaded with {@code SavedModelBundle.load}, run through its {@code
 * serving_default} signature one image at a time, as a server would.
 */
public final class SavedModelDetector implements AutoCloseable {
  /** One detection: label-map id, score, normalized [ymin, xmin, ymax, xmax] of the input image. */
  public record Detection(int classId, float score, float ymin, float xmin, float ymax, float xmax) {}

  /** The signature's outputs for one image. */
  public record Outputs(Map<String, float[]> tensors, Map<String, long[]> shapes) {
    /** The first {@code num_detections} rows. */
    public List<Detection> detections() {
      int n = (int) tensors.get("num_detections")[0];
      float[] boxes = tensors.get("detection_boxes");
      float[] scores = tensors.get("detection_scores");
      float[] classes = tensors.get("detection_classes");
      List<Detection> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(new Detection(Math.round(classes[i]), scores[i], boxes[4 * i], boxes[4 * i + 1],
            boxes[4 * i + 2], boxes[4 * i + 3]));
      }
      return out;
    }
  }

  private final SavedModelBundle bundle;
  private final SessionFunction serving;

  private SavedModelDetector(SavedModelBundle bundle, SessionFunction serving) {
    this.bundle = bundle;
    this.serving = serving;
  }

  /**
   * Loads {@code dir}: an export directory (its {@code saved_model/}) or the SavedModel itself.
   *
   * @throws ExportException when there is no SavedModel or it has no {@code serving_default}
   */
  public static SavedModelDetector load(Path dir) {
    Path savedModel = savedModelDir(dir);
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(savedModel.toString(), SavedModelExporter.SERVE_TAG);
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new ExportException("cannot load the SavedModel " + savedModel + ": " + e.getMessage(), e);
    }
    SessionFunction serving;
    try {
      serving = bundle.function(org.tensorflow.Signature.DEFAULT_KEY);
    } catch (IllegalArgumentException e) {
      bundle.close();
      throw new ExportException("the SavedModel " + savedModel + " has no serving_default signature;"
          + " export it with finetune export", e);
    }
    return new SavedModelDetector(bundle, serving);
  }

  /** {@code dir/saved_model} when {@code dir} is an export directory, else {@code dir}. */
  public static Path savedModelDir(Path dir) {
    Path inner = dir.resolve(SavedModelExporter.SAVED_MODEL_DIR);
    if (Files.isRegularFile(inner.resolve("saved_model.pb"))) {
      return inner;
    }
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      return dir;
    }
    throw new ExportException("no SavedModel at " + dir + ": neither " + inner.resolve("saved_model.pb")
        + " nor " + dir.resolve("saved_model.pb") + " exists. Pass the --output_directory of"
        + " finetune export (or its saved_model/ folder).");
  }

  /** Runs the signature on one image ([0,255] values, rounded to uint8 as a decoder gives them). */
  public Outputs run(RgbImage image) {
    byte[] bytes = new byte[image.pixels().length];
    float[] p = image.pixels();
    for (int i = 0; i < p.length; i++) {
      bytes[i] = (byte) Math.max(0, Math.min(255, Math.round(p[i])));
    }
    try (TUint8 input = TUint8.tensorOf(Shape.of(1, image.height(), image.width(), 3),
            DataBuffers.of(bytes, true, false));
        Result result = serving.call(Map.of(ImageInput.INPUT_NAME, input))) {
      Map<String, float[]> tensors = new LinkedHashMap<>();
      Map<String, long[]> shapes = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> e : result) {
        TFloat32 t = (TFloat32) e.getValue();
        float[] values = new float[(int) t.size()];
        t.asRawTensor().data().asFloats().read(values);
        tensors.put(e.getKey(), values);
        shapes.put(e.getKey(), t.shape().asArray());
      }
      return new Outputs(tensors, shapes);
    }
  }

  public SavedModelBundle bundle() {
    return bundle;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
