package dev.finetune.data.example;

/**
 * A record's fields without its decoded image: enough for statistics and for skipping, and the
 * input to image decoding. Boxes are normalized [ymin, xmin, ymax, xmax]; {@code classes} are
 * label-map ids; {@code classTexts} holds image/object/class/text (empty strings when absent).
 * {@code height}/{@code width} are the record's image/height and image/width (0 when absent).
 */
public record Annotations(
    String sourceId,
    String filename,
    String format,
    byte[] encoded,
    int height,
    int width,
    float[] boxes,
    int[] classes,
    String[] classTexts,
    float[] weights,
    boolean[] difficult,
    boolean[] isCrowd) {

  public int numBoxes() {
    return classes.length;
  }
}
