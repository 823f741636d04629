package dev.finetune.data.augment;

/**
 * Image resampling on [H, W, 3] float pixels with the exact arithmetic of TensorFlow's CPU kernels
 * ResizeBilinear, ResizeNearestNeighbor and ResizeBicubic (float32 coordinates, same rounding), so
 * a model sees the pixels the Object Detection API would feed it.
 *
 * <p>Every method reads a window of the source (a crop) and writes the resized result in one pass,
 * so a crop followed by a resize never materializes the crop.
 */
public final class Resize {
  private Resize() {}

  /** The interpolation kernels of {@code tf.image.ResizeMethod}. */
  public enum Method {
    BILINEAR,
    NEAREST_NEIGHBOR,
    BICUBIC,
    AREA
  }

  /**
   * How output pixel coordinates map to input coordinates. The API calls
   * {@code tf.compat.v1.image.resize_images}, which passes only {@code align_corners} to the kernels
   * (so {@code half_pixel_centers} is false): {@link #ASYMMETRIC} for the image resizers,
   * {@link #ALIGN_CORNERS} for random_image_scale. {@link #HALF_PIXEL} is TF2's
   * {@code tf.image.resize}.
   */
  public enum Coordinates {
    ASYMMETRIC,
    ALIGN_CORNERS,
    HALF_PIXEL
  }

  /** Resizes the whole image. */
  public static float[] resize(
      float[] src, int height, int width, int outHeight, int outWidth, Method method,
      Coordinates coordinates) {
    return resizeWindow(
        src, width, 0, 0, height, width, outHeight, outWidth, method, coordinates);
  }

  /**
   * Resizes the window [y0, y0 + windowHeight) x [x0, x0 + windowWidth) of an image whose rows are
   * {@code srcWidth} pixels wide, as if the window had been cut out first.
   */
  public static float[] resizeWindow(
      float[] src, int srcWidth, int y0, int x0, int windowHeight, int windowWidth,
      int outHeight, int outWidth, Method method, Coordinates coordinates) {
    if (outHeight <= 0 || outWidth <= 0 || windowHeight <= 0 || windowWidth <= 0) {
      throw new IllegalArgumentException(
          "resize " + windowHeight + "x" + windowWidth + " -> " + outHeight + "x" + outWidth);
    }
    return switch (method) {
      case BILINEAR -> bilinear(src, srcWidth, y0, x0, windowHeight, windowWidth, outHeight,
          outWidth, coordinates);
      case NEAREST_NEIGHBOR -> nearest(src, srcWidth, y0, x0, windowHeight, windowWidth,
          outHeight, outWidth, coordinates);
      case BICUBIC -> bicubic(src, srcWidth, y0, x0, windowHeight, windowWidth, outHeight,
          outWidth, coordinates);
      case AREA -> area(src, srcWidth, y0, x0, windowHeight, windowWidth, outHeight, outWidth,
          coordinates);
    };
  }

  /** TF's CalculateResizeScale. */
  static float scale(int in, int out, Coordinates coordinates) {
    return coordinates == Coordinates.ALIGN_CORNERS && out > 1
        ? (in - 1) / (float) (out - 1)
        : in / (float) out;
  }

  private static float sourceCoordinate(int out, float scale, Coordinates coordinates) {
    return coordinates == Coordinates.HALF_PIXEL ? (out + 0.5f) * scale - 0.5f : out * scale;
  }

  private static float[] bilinear(
      float[] src, int srcWidth, int y0, int x0, int inH, int inW, int outH, int outW,
      Coordinates coordinates) {
    float yScale = scale(inH, outH, coordinates);
    float xScale = scale(inW, outW, coordinates);
    int[] xLow = new int[outW];
    int[] xHigh = new int[outW];
    float[] xLerp = new float[outW];
    for (int x = 0; x < outW; x++) {
      float in = sourceCoordinate(x, xScale, coordinates);
      float floor = (float) Math.floor(in);
      xLow[x] = (x0 + Math.max((int) floor, 0)) * 3;
      xHigh[x] = (x0 + Math.min((int) Math.ceil(in), inW - 1)) * 3;
      xLerp[x] = in - floor;
    }
    float[] out = new float[outH * outW * 3];
    int o = 0;
    for (int y = 0; y < outH; y++) {
      float in = sourceCoordinate(y, yScale, coordinates);
      float floor = (float) Math.floor(in);
      int top = (y0 + Math.max((int) floor, 0)) * srcWidth * 3;
      int bottom = (y0 + Math.min((int) Math.ceil(in), inH - 1)) * srcWidth * 3;
      float yLerp = in - floor;
      for (int x = 0; x < outW; x++) {
        float lerp = xLerp[x];
        int l = xLow[x];
        int h = xHigh[x];
        for (int c = 0; c < 3; c++) {
          float topLeft = src[top + l + c];
          float topRight = src[top + h + c];
          float bottomLeft = src[bottom + l + c];
          float bottomRight = src[bottom + h + c];
          float t = topLeft + (topRight - topLeft) * lerp;
          float b = bottomLeft + (bottomRight - bottomLeft) * lerp;
          out[o++] = t + (b - t) * yLerp;
        }
      }
    }
    return out;
  }

  private static int nearestIndex(int out, float scale, int in, Coordinates coordinates) {
    int index;
    switch (coordinates) {
      case ALIGN_CORNERS -> index = Math.round(out * scale);
      case HALF_PIXEL -> index = Math.max(0, (int) Math.floor((out + 0.5f) * scale));
      default -> index = (int) Math.floor(out * scale);
    }
    return Math.min(index, in - 1);
  }

  private static float[] nearest(
      float[] src, int srcWidth, int y0, int x0, int inH, int inW, int outH, int outW,
      Coordinates coordinates) {
    float yScale = scale(inH, outH, coordinates);
    float xScale = scale(inW, outW, coordinates);
    int[] xs = new int[outW];
    for (int x = 0; x < outW; x++) {
      xs[x] = (x0 + nearestIndex(x, xScale, inW, coordinates)) * 3;
    }
    float[] out = new float[outH * outW * 3];
    int o = 0;
    for (int y = 0; y < outH; y++) {
      int row = (y0 + nearestIndex(y, yScale, inH, coordinates)) * srcWidth * 3;
      for (int x = 0; x < outW; x++) {
        int p = row + xs[x];
        out[o++] = src[p];
        out[o++] = src[p + 1];
        out[o++] = src[p + 2];
      }
    }
    return out;
  }

  private static final int TABLE_SIZE = 1024;
  /** Keys' cubic kernel (a = -0.5) for half-pixel sampling, a = -0.75 for the legacy kernel. */
  private static final float[] KEYS_TABLE = cubicTable(-0.5);
  private static final float[] LEGACY_TABLE = cubicTable(-0.75);

  private static float[] cubicTable(double a) {
    float[] table = new float[(TABLE_SIZE + 1) * 2];
    for (int i = 0; i <= TABLE_SIZE; i++) {
      float x = (float) (i * 1.0 / TABLE_SIZE);
      table[i * 2] = (float) (((a + 2) * x - (a + 3)) * x * x + 1);
      x += 1.0f;
      table[i * 2 + 1] = (float) (((a * x - 5 * a) * x + 8 * a) * x - 4 * a);
    }
    return table;
  }

  /** For each output position: 4 source indices and 4 weights, as TF's GetWeightsAndIndices. */
  private static void cubicWeights(
      int outSize, int inSize, Coordinates coordinates, int[] indices, float[] weights) {
    float scale = scale(inSize, outSize, coordinates);
    boolean keys = coordinates == Coordinates.HALF_PIXEL;
    float[] table = keys ? KEYS_TABLE : LEGACY_TABLE;
    for (int i = 0; i < outSize; i++) {
      float in = sourceCoordinate(i, scale, coordinates);
      int loc = (int) Math.floor(in);
      float delta = in - loc;
      int offset = (int) Math.rint(delta * TABLE_SIZE);
      float[] w = {
        table[offset * 2 + 1], table[offset * 2],
        table[(TABLE_SIZE - offset) * 2], table[(TABLE_SIZE - offset) * 2 + 1]
      };
      float sum = 0;
      for (int k = 0; k < 4; k++) {
        int wanted = loc - 1 + k;
        int bounded = Math.min(inSize - 1, Math.max(0, wanted));
        indices[i * 4 + k] = bounded;
        if (keys && bounded != wanted) {
          // The half-pixel kernel gives samples outside the image no weight, then renormalizes.
          w[k] = 0;
        }
        sum += w[k];
      }
      if (keys && Math.abs(sum) >= 1000.0f * Float.MIN_NORMAL) {
        for (int k = 0; k < 4; k++) {
          w[k] /= sum;
        }
      }
      System.arraycopy(w, 0, weights, i * 4, 4);
    }
  }

  private static float[] bicubic(
      float[] src, int srcWidth, int y0, int x0, int inH, int inW, int outH, int outW,
      Coordinates coordinates) {
    int[] xi = new int[outW * 4];
    float[] xw = new float[outW * 4];
    cubicWeights(outW, inW, coordinates, xi, xw);
    int[] yi = new int[outH * 4];
    float[] yw = new float[outH * 4];
    cubicWeights(outH, inH, coordinates, yi, yw);
    float[] out = new float[outH * outW * 3];
    int[] rows = new int[4];
    float[] column = new float[4];
    int o = 0;
    for (int y = 0; y < outH; y++) {
      for (int k = 0; k < 4; k++) {
        rows[k] = (y0 + yi[y * 4 + k]) * srcWidth * 3;
      }
      for (int x = 0; x < outW; x++) {
        for (int c = 0; c < 3; c++) {
          // Vertical pass per source column, then horizontal, in TF's order.
          for (int k = 0; k < 4; k++) {
            int col = (x0 + xi[x * 4 + k]) * 3 + c;
            column[k] = yw[y * 4] * src[rows[0] + col] + yw[y * 4 + 1] * src[rows[1] + col]
                + yw[y * 4 + 2] * src[rows[2] + col] + yw[y * 4 + 3] * src[rows[3] + col];
          }
          out[o++] = xw[x * 4] * column[0] + xw[x * 4 + 1] * column[1]
              + xw[x * 4 + 2] * column[2] + xw[x * 4 + 3] * column[3];
        }
      }
    }
    return out;
  }

  /**
   * ResizeArea: each output pixel is the mean of the input cells its footprint
   * [o * scale, (o + 1) * scale) covers, weighted by the covered fraction of each cell. TF's kernel
   * ignores half_pixel_centers for this method.
   */
  private static float[] area(
      float[] src, int srcWidth, int y0, int x0, int inH, int inW, int outH, int outW,
      Coordinates coordinates) {
    Coordinates c = coordinates == Coordinates.HALF_PIXEL ? Coordinates.ASYMMETRIC : coordinates;
    float yScale = scale(inH, outH, c);
    float xScale = scale(inW, outW, c);
    int[][] xIndex = new int[outW][];
    float[][] xWeight = new float[outW][];
    for (int x = 0; x < outW; x++) {
      areaCells(x, xScale, inW, xIndex, xWeight);
    }
    int[][] yIndex = new int[1][];
    float[][] yWeight = new float[1][];
    float norm = 1.0f / (yScale * xScale);
    float[] out = new float[outH * outW * 3];
    float[] sum = new float[3];
    float[] row = new float[3];
    for (int y = 0; y < outH; y++) {
      areaCells(y, yScale, inH, yIndex, yWeight);
      for (int x = 0; x < outW; x++) {
        sum[0] = sum[1] = sum[2] = 0;
        for (int i = 0; i < yIndex[0].length; i++) {
          int base = (y0 + yIndex[0][i]) * srcWidth * 3;
          row[0] = row[1] = row[2] = 0;
          for (int j = 0; j < xIndex[x].length; j++) {
            int p = base + (x0 + xIndex[x][j]) * 3;
            float w = xWeight[x][j];
            row[0] += src[p] * w;
            row[1] += src[p + 1] * w;
            row[2] += src[p + 2] * w;
          }
          float w = yWeight[0][i];
          sum[0] += row[0] * w;
          sum[1] += row[1] * w;
          sum[2] += row[2] * w;
        }
        int o = (y * outW + x) * 3;
        out[o] = sum[0] * norm;
        out[o + 1] = sum[1] * norm;
        out[o + 2] = sum[2] * norm;
      }
    }
    return out;
  }

  /** The input cells under output cell {@code o} and the length of each one that is covered. */
  private static void areaCells(int o, float scale, int in, int[][] index, float[][] weight) {
    float start = o * scale;
    float end = (o + 1) * scale;
    int first = (int) Math.floor(start);
    int last = (int) Math.ceil(end);
    int n = Math.max(0, last - first);
    int[] idx = new int[n];
    float[] w = new float[n];
    for (int k = 0; k < n; k++) {
      int i = first + k;
      idx[k] = Math.min(i, in - 1);
      w[k] = Math.min(i + 1, end) - Math.max(i, start);
    }
    int slot = index.length == 1 ? 0 : o;
    index[slot] = idx;
    weight[slot] = w;
  }
}
