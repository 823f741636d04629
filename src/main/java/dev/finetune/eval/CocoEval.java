package dev.finetune.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * pycocotools' {@code COCOeval} for bounding boxes with its default parameters, ported step by step
 * (evaluate → accumulate → summarize) so every number is the same float64 value: IoU thresholds
 * .50:.05:.95 and recall thresholds 0:.01:1 as numpy's linspace computes them, 101-point
 * interpolated precision, area ranges on the ground truth's {@code area}, maxDets 1/10/100 per image
 * and category, crowd regions (IoU = intersection over the detection's area; a detection matched to a
 * crowd or out-of-range ground truth is ignored), stable (mergesort) score ordering, −1 for
 * categories without ground truth, and numpy's pairwise summation for the means.
 */
final class CocoEval {
  static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
  static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
  static final int[] MAX_DETS = {1, 10, 100};
  /** all, small, medium, large: [lo, hi] inclusive, in pixels². */
  static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};

  private static final double EPS = Math.ulp(1.0); // np.spacing(1)
  private static final int T = IOU_THRESHOLDS.length;
  private static final int R = RECALL_THRESHOLDS.length;
  private static final int A = AREA_RANGES.length;
  private static final int M = MAX_DETS.length;

  /** The 12 summary numbers ({@code COCOeval.stats}) and the same 12 on each category's slice. */
  record Result(double[] stats, int[] categoryIds, double[][] categoryStats) {}

  /** The matching outcome of one (image, category, area range): pycocotools' {@code evalImgs} entry. */
  private record ImageEval(double[] dtScores, boolean[][] dtMatched, boolean[][] dtIgnore, boolean[] gtIgnore) {}

  private record Gt(double[] bbox, double area, boolean crowd) {}

  private record Dt(double[] bbox, double score) {
    double area() {
      return bbox[2] * bbox[3];
    }
  }

  private CocoEval() {}

  /** numpy {@code linspace(start, stop, num)}: {@code i*step + start}, the last value set to stop. */
  static double[] linspace(double start, double stop, int num) {
    double step = (stop - start) / (num - 1);
    double[] y = new double[num];
    for (int i = 0; i < num; i++) {
      y[i] = i * step + start;
    }
    y[num - 1] = stop;
    return y;
  }

  static Result evaluate(CocoDataset data) {
    int[] catIds = data.categories().stream().mapToInt(Category::id).distinct().sorted().toArray();
    int[] imageOrder = sortedImageOrder(data);
    int numImages = imageOrder.length;
    int[] position = new int[data.images().size()];
    for (int p = 0; p < numImages; p++) {
      position[imageOrder[p]] = p;
    }
    int K = catIds.length;
    // Per (category, image position): ground truth and detections in dataset order.
    List<List<List<Gt>>> gts = new ArrayList<>();
    List<List<List<Dt>>> dts = new ArrayList<>();
    for (int k = 0; k < K; k++) {
      List<List<Gt>> g = new ArrayList<>();
      List<List<Dt>> d = new ArrayList<>();
      for (int i = 0; i < numImages; i++) {
        g.add(new ArrayList<>());
        d.add(new ArrayList<>());
      }
      gts.add(g);
      dts.add(d);
    }
    for (CocoDataset.Annotation a : data.annotations()) {
      int k = Arrays.binarySearch(catIds, a.categoryId());
      if (k >= 0) {
        gts.get(k).get(position[a.image()]).add(new Gt(a.bbox(), a.area(), a.crowd()));
      }
    }
    for (CocoDataset.Result r : data.results()) {
      int k = Arrays.binarySearch(catIds, r.categoryId());
      if (k >= 0) {
        dts.get(k).get(position[r.image()]).add(new Dt(r.bbox(), r.score()));
      }
    }

    ImageEval[][][] evalImgs = new ImageEval[K][A][numImages];
    for (int k = 0; k < K; k++) {
      for (int i = 0; i < numImages; i++) {
        List<Gt> gt = gts.get(k).get(i);
        List<Dt> dt = dts.get(k).get(i);
        if (gt.isEmpty() && dt.isEmpty()) {
          continue;
        }
        List<Dt> sorted = sortByScore(dt, Dt::score);
        if (sorted.size() > MAX_DETS[M - 1]) {
          sorted = sorted.subList(0, MAX_DETS[M - 1]);
        }
        double[][] ious = iou(sorted, gt);
        for (int a = 0; a < A; a++) {
          evalImgs[k][a][i] = evaluateImg(gt, sorted, ious, AREA_RANGES[a]);
        }
      }
    }

    double[][][][][] precision = new double[T][R][K][A][M];
    double[][][][] recall = new double[T][K][A][M];
    accumulate(evalImgs, precision, recall);

    double[] stats = summarize(precision, recall, -1);
    double[][] categoryStats = new double[12][K];
    for (int k = 0; k < K; k++) {
      double[] s = summarize(precision, recall, k);
      for (int j = 0; j < 12; j++) {
        categoryStats[j][k] = s[j];
      }
    }
    return new Result(stats, catIds, categoryStats);
  }

  /** Image indices in pycocotools' order ({@code np.unique} of the ids): numeric or string order. */
  private static int[] sortedImageOrder(CocoDataset data) {
    List<CocoDataset.Image> images = data.images();
    Integer[] order = new Integer[images.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Comparator<Integer> cmp =
        data.numericImageIds()
            ? Comparator.comparingLong(i -> Long.parseLong(images.get(i).id()))
            : Comparator.comparing(i -> images.get(i).id());
    Arrays.sort(order, cmp);
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  /** Descending score, ties in input order: {@code np.argsort(-scores, kind='mergesort')}. */
  private static <X> List<X> sortByScore(List<X> items, java.util.function.ToDoubleFunction<X> score) {
    List<X> out = new ArrayList<>(items);
    out.sort((a, b) -> {
      double sa = score.applyAsDouble(a);
      double sb = score.applyAsDouble(b);
      return sa > sb ? -1 : sa < sb ? 1 : 0;
    });
    return out;
  }

  /** {@code maskApi.c bbIou}: [detection][ground truth]; crowd: intersection over the detection's area. */
  private static double[][] iou(List<Dt> dt, List<Gt> gt) {
    double[][] o = new double[dt.size()][gt.size()];
    for (int g = 0; g < gt.size(); g++) {
      double[] G = gt.get(g).bbox();
      double ga = G[2] * G[3];
      boolean crowd = gt.get(g).crowd();
      for (int d = 0; d < dt.size(); d++) {
        double[] D = dt.get(d).bbox();
        double da = D[2] * D[3];
        double w = Math.min(D[2] + D[0], G[2] + G[0]) - Math.max(D[0], G[0]);
        if (w <= 0) {
          continue;
        }
        double h = Math.min(D[3] + D[1], G[3] + G[1]) - Math.max(D[1], G[1]);
        if (h <= 0) {
          continue;
        }
        double i = w * h;
        double u = crowd ? da : da + ga - i;
        o[d][g] = i / u;
      }
    }
    return o;
  }

  /** {@code COCOeval.evaluateImg} for maxDet = 100 ({@code dt} is already sorted and truncated). */
  private static ImageEval evaluateImg(List<Gt> gtIn, List<Dt> dt, double[][] ious, double[] range) {
    int G = gtIn.size();
    int D = dt.size();
    boolean[] ignoreIn = new boolean[G];
    for (int g = 0; g < G; g++) {
      Gt x = gtIn.get(g);
      ignoreIn[g] = x.crowd() || x.area() < range[0] || x.area() > range[1];
    }
    // Stable sort: regular ground truth first, ignored last, each in input order.
    int[] gtind = new int[G];
    int n = 0;
    for (int g = 0; g < G; g++) {
      if (!ignoreIn[g]) {
        gtind[n++] = g;
      }
    }
    for (int g = 0; g < G; g++) {
      if (ignoreIn[g]) {
        gtind[n++] = g;
      }
    }
    boolean[] gtIg = new boolean[G];
    boolean[] crowd = new boolean[G];
    for (int j = 0; j < G; j++) {
      gtIg[j] = ignoreIn[gtind[j]];
      crowd[j] = gtIn.get(gtind[j]).crowd();
    }
    boolean[][] gtm = new boolean[T][G];
    boolean[][] dtm = new boolean[T][D];
    boolean[][] dtIg = new boolean[T][D];
    if (G > 0 && D > 0) {
      for (int t = 0; t < T; t++) {
        for (int d = 0; d < D; d++) {
          double best = Math.min(IOU_THRESHOLDS[t], 1 - 1e-10);
          int m = -1;
          for (int j = 0; j < G; j++) {
            if (gtm[t][j] && !crowd[j]) {
              continue;
            }
            if (m > -1 && !gtIg[m] && gtIg[j]) {
              break;
            }
            double v = ious[d][gtind[j]];
            if (v < best) {
              continue;
            }
            best = v;
            m = j;
          }
          if (m == -1) {
            continue;
          }
          dtIg[t][d] = gtIg[m];
          dtm[t][d] = true;
          gtm[t][m] = true;
        }
      }
    }
    double[] scores = new double[D];
    for (int d = 0; d < D; d++) {
      scores[d] = dt.get(d).score();
      double area = dt.get(d).area();
      boolean outside = area < range[0] || area > range[1];
      for (int t = 0; t < T; t++) {
        dtIg[t][d] = dtIg[t][d] || (!dtm[t][d] && outside);
      }
    }
    return new ImageEval(scores, dtm, dtIg, gtIg);
  }

  /** {@code COCOeval.accumulate}: precision [T][R][K][A][M] and recall [T][K][A][M], −1 where undefined. */
  private static void accumulate(
      ImageEval[][][] evalImgs, double[][][][][] precision, double[][][][] recall) {
    int K = evalImgs.length;
    for (double[][][][] p : precision) {
      for (double[][][] q : p) {
        for (double[][] r : q) {
          for (double[] s : r) {
            Arrays.fill(s, -1);
          }
        }
      }
    }
    for (double[][][] p : recall) {
      for (double[][] q : p) {
        for (double[] r : q) {
          Arrays.fill(r, -1);
        }
      }
    }
    for (int k = 0; k < K; k++) {
      for (int a = 0; a < A; a++) {
        List<ImageEval> E = new ArrayList<>();
        for (ImageEval e : evalImgs[k][a]) {
          if (e != null) {
            E.add(e);
          }
        }
        if (E.isEmpty()) {
          continue;
        }
        int npig = 0;
        for (ImageEval e : E) {
          for (boolean ig : e.gtIgnore()) {
            if (!ig) {
              npig++;
            }
          }
        }
        for (int m = 0; m < M; m++) {
          int maxDet = MAX_DETS[m];
          // Concatenate each image's first maxDet detections, then a stable sort by score.
          List<int[]> refs = new ArrayList<>(); // {image in E, detection}
          for (int e = 0; e < E.size(); e++) {
            int n = Math.min(maxDet, E.get(e).dtScores().length);
            for (int d = 0; d < n; d++) {
              refs.add(new int[] {e, d});
            }
          }
          if (npig == 0) {
            continue;
          }
          List<int[]> order = sortByScore(refs, r -> E.get(r[0]).dtScores()[r[1]]);
          int nd = order.size();
          for (int t = 0; t < T; t++) {
            double[] rc = new double[nd];
            double[] pr = new double[nd];
            long tp = 0;
            long fp = 0;
            for (int i = 0; i < nd; i++) {
              int[] r = order.get(i);
              ImageEval e = E.get(r[0]);
              boolean ignored = e.dtIgnore()[t][r[1]];
              if (!ignored) {
                if (e.dtMatched()[t][r[1]]) {
                  tp++;
                } else {
                  fp++;
                }
              }
              double tpSum = tp;
              double fpSum = fp;
              rc[i] = tpSum / npig;
              pr[i] = tpSum / (fpSum + tpSum + EPS);
            }
            recall[t][k][a][m] = nd > 0 ? rc[nd - 1] : 0;
            for (int i = nd - 1; i > 0; i--) {
              if (pr[i] > pr[i - 1]) {
                pr[i - 1] = pr[i];
              }
            }
            for (int ri = 0; ri < R; ri++) {
              int pi = searchLeft(rc, RECALL_THRESHOLDS[ri]);
              precision[t][ri][k][a][m] = pi < nd ? pr[pi] : 0;
              if (pi >= nd) {
                // pycocotools stops filling at the first threshold past the last recall: zeros follow.
                for (int rj = ri + 1; rj < R; rj++) {
                  precision[t][rj][k][a][m] = 0;
                }
                break;
              }
            }
          }
        }
      }
    }
  }

  /** {@code np.searchsorted(a, v, side='left')}: the first index with {@code a[i] >= v}. */
  private static int searchLeft(double[] a, double v) {
    int lo = 0;
    int hi = a.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (a[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * {@code COCOeval.summarize} (category −1: all categories) or the per-category version of the API's
   * {@code summarize_per_category} (that category's slice only).
   */
  private static double[] summarize(double[][][][][] precision, double[][][][] recall, int category) {
    int all = 0;
    int small = 1;
    int medium = 2;
    int large = 3;
    return new double[] {
      ap(precision, category, -1, all, 2),
      ap(precision, category, 0.5, all, 2),
      ap(precision, category, 0.75, all, 2),
      ap(precision, category, -1, small, 2),
      ap(precision, category, -1, medium, 2),
      ap(precision, category, -1, large, 2),
      ar(recall, category, all, 0),
      ar(recall, category, all, 1),
      ar(recall, category, all, 2),
      ar(recall, category, small, 2),
      ar(recall, category, medium, 2),
      ar(recall, category, large, 2),
    };
  }

  /** Thresholds selected as pycocotools does ({@code np.where(iouThr == p.iouThrs)}); −1: all. */
  private static int[] thresholds(double iouThr) {
    if (iouThr < 0) {
      int[] all = new int[T];
      for (int t = 0; t < T; t++) {
        all[t] = t;
      }
      return all;
    }
    return java.util.stream.IntStream.range(0, T).filter(t -> IOU_THRESHOLDS[t] == iouThr).toArray();
  }

  private static double ap(double[][][][][] p, int category, double iouThr, int a, int m) {
    int K = p[0][0].length;
    double[] values = new double[T * R * Math.max(K, 1)];
    int n = 0;
    for (int t : thresholds(iouThr)) {
      for (int r = 0; r < R; r++) {
        for (int k = 0; k < K; k++) {
          if (category >= 0 && k != category) {
            continue;
          }
          double v = p[t][r][k][a][m];
          if (v > -1) {
            values[n++] = v;
          }
        }
      }
    }
    return n == 0 ? -1 : NumpySum.mean(values, n);
  }

  private static double ar(double[][][][] rec, int category, int a, int m) {
    int K = rec[0].length;
    double[] values = new double[T * Math.max(K, 1)];
    int n = 0;
    for (int t = 0; t < T; t++) {
      for (int k = 0; k < K; k++) {
        if (category >= 0 && k != category) {
          continue;
        }
        double v = rec[t][k][a][m];
        if (v > -1) {
          values[n++] = v;
        }
      }
    }
    return n == 0 ? -1 : NumpySum.mean(values, n);
  }
}
