#!/usr/bin/env python3
"""Cross-check finetune's pure-Java detection metrics against pycocotools and the API's VOC code.

Generates random cases (images of random sizes with normalized float32 boxes, classes including
ones outside the label map, crowd and difficult flags, given ground-truth areas, score ties, >100
detections, zero-size detections, numeric and string image ids), runs dev.finetune.eval.CocoCrosscheckMain (test classes)
on them, and computes the same metrics in Python:
  * COCO: the boxes are exported exactly as the Object Detection API's CocoDetectionEvaluator does
    (float32 absolute boxes, coco_tools export, COCOWrapper.LoadAnnotations) and evaluated with stock
    pycocotools COCOeval; per-category stats as the API's summarize_per_category (slice means).
  * Pascal VOC: a numpy transcription of the API's PascalDetectionEvaluator (per_image_evaluation,
    np_box_ops.iou on float32 boxes, metrics.compute_precision_recall / compute_average_precision).
    Ties in score: the API's np.argsort is unstable (platform dependent); both sides here use a stable
    ascending sort, reversed, so tie cases check the Java port, not the API's tie order.
Prints the largest absolute difference per metric; fails unless all are <= 1e-6.
Also evaluates case 0 from the COCO JSON files the Java writer produced and checks it gives the same.
Run through scripts/crosscheck_coco.sh (builds the classes and the venv).
"""
import argparse
import contextlib
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

NAMES = ['Precision/mAP', 'Precision/mAP@.50IOU', 'Precision/mAP@.75IOU', 'Precision/mAP (small)',
         'Precision/mAP (medium)', 'Precision/mAP (large)', 'Recall/AR@1', 'Recall/AR@10',
         'Recall/AR@100', 'Recall/AR@100 (small)', 'Recall/AR@100 (medium)', 'Recall/AR@100 (large)']


# ----------------------------------------------------------------------------- random cases
def random_case(rng):
    n_cat = int(rng.integers(1, 5))
    cat_ids = sorted(rng.choice(np.arange(1, 8), size=n_cat, replace=False).tolist())
    categories = [{'id': int(c), 'name': 'class%d' % c} for c in cat_ids]
    string_ids = rng.random() < 0.3
    ties = rng.random() < 0.4
    grid = rng.random() < 0.25  # integer pixel boxes on power-of-two images: exact areas like 1024
    many = rng.random() < 0.05
    with_area = rng.random() < 0.3
    n_img = int(rng.integers(1, 7))
    ids = rng.choice(np.arange(1, 100000), size=n_img, replace=False)
    images = []
    for k in range(n_img):
        if grid:
            h = w = int(rng.choice([256, 512]))
        else:
            h, w = int(rng.integers(20, 1300)), int(rng.integers(20, 1300))
        n_gt = int(rng.integers(0, 9))
        gt = [rand_box(rng, h, w, grid) for _ in range(n_gt)]
        gt_cls = [pick_class(rng, cat_ids) for _ in range(n_gt)]
        crowd = [int(rng.random() < 0.12) for _ in range(n_gt)]
        difficult = [int(rng.random() < 0.12) for _ in range(n_gt)]
        n_det = int(rng.integers(0, 16)) + (int(rng.integers(90, 130)) if many else 0)
        det, det_cls = [], []
        for _ in range(n_det):
            if gt and rng.random() < 0.6:
                j = int(rng.integers(0, len(gt)))
                det.append(jitter(rng, gt[j], h, w, grid))
                det_cls.append(gt_cls[j] if rng.random() < 0.85 else pick_class(rng, cat_ids))
            else:
                det.append(rand_box(rng, h, w, grid))
                det_cls.append(pick_class(rng, cat_ids))
            if rng.random() < 0.03:  # zero-size box
                det[-1][2] = det[-1][0]
        if ties:
            scores = np.round(rng.random(n_det), 1).astype(np.float32)
        else:
            scores = rng.random(n_det).astype(np.float32)
        area = {}
        if with_area:  # the API's groundtruth_area (e.g. COCO segmentation area); 0 means none
            a = rng.random(n_gt) * rng.choice([2000.0, 20000.0]) * (rng.random(n_gt) < 0.8)
            area = {'gt_area': [float(np.float32(v)) for v in a]}
        images.append({
            **area,
            'id': ('img%d' % ids[k]) if string_ids else str(int(ids[k])),
            'width': w, 'height': h,
            'gt_boxes': [[float(np.float32(v)) for v in b] for b in gt],
            'gt_classes': gt_cls, 'gt_crowd': crowd, 'gt_difficult': difficult,
            'det_boxes': [[float(np.float32(v)) for v in b] for b in det],
            'det_scores': [float(s) for s in scores], 'det_classes': det_cls,
        })
    return {'categories': categories, 'images': images}


def pick_class(rng, cat_ids):
    r = rng.random()
    if r < 0.04:
        return -1  # padding
    if r < 0.08:
        return max(cat_ids) + 1  # not in the label map
    return int(rng.choice(cat_ids))


def rand_box(rng, h, w, grid):
    scale = rng.choice([0.03, 0.1, 0.3, 0.7])
    bh, bw = rng.random() * scale + 1e-3, rng.random() * scale + 1e-3
    y, x = rng.random() * (1 - bh), rng.random() * (1 - bw)
    if grid:
        y0, x0 = int(y * h), int(x * w)
        y1, x1 = y0 + max(1, int(bh * h)), x0 + max(1, int(bw * w))
        if rng.random() < 0.3:
            y1, x1 = y0 + 32, x0 + 32  # area exactly 1024 (or 96: 9216)
            if rng.random() < 0.5:
                y1, x1 = y0 + 96, x0 + 96
        return [y0 / h, x0 / w, y1 / h, x1 / w]
    return [y, x, y + bh, x + bw]


def jitter(rng, b, h, w, grid):
    bh, bw = b[2] - b[0], b[3] - b[1]
    s = rng.choice([0.0, 0.05, 0.15, 0.3])
    out = [b[0] + rng.normal() * s * bh, b[1] + rng.normal() * s * bw,
           b[2] + rng.normal() * s * bh, b[3] + rng.normal() * s * bw]
    if grid:
        out = [round(out[0] * h) / h, round(out[1] * w) / w, round(out[2] * h) / h, round(out[3] * w) / w]
    return out


# ----------------------------------------------------------------------------- COCO via pycocotools
def image_key(images):
    numeric = all(is_int(im['id']) for im in images)
    return (lambda s: int(s)) if numeric else (lambda s: s)


def is_int(s):
    try:
        int(s)
        return s.lstrip('-').isdigit()
    except ValueError:
        return False


def api_coco_export(case):
    """coco_evaluation.CocoDetectionEvaluator.add_* with boxes scaled as eval_util does (float32)."""
    cat_set = set(c['id'] for c in case['categories'])
    key = image_key(case['images'])
    gts, dets, images = [], [], []
    next_id = 1
    for im in case['images']:
        scale = np.array([im['height'], im['width'], im['height'], im['width']], np.float32)
        gb = np.array(im['gt_boxes'], np.float32).reshape(-1, 4) * scale
        ga = np.array(im['gt_area'], np.float32) if 'gt_area' in im else None
        for i in range(gb.shape[0]):
            if im['gt_classes'][i] in cat_set:
                b = gb[i]
                if ga is not None and ga[i] > 0:
                    area = float(ga[i])
                else:
                    area = float((b[2] - b[0]) * (b[3] - b[1]))
                gts.append({'id': next_id + i, 'image_id': key(im['id']), 'category_id': int(im['gt_classes'][i]),
                            'bbox': [float(b[1]), float(b[0]), float(b[3] - b[1]), float(b[2] - b[0])],
                            'area': area, 'iscrowd': im['gt_crowd'][i]})
        next_id += gb.shape[0]
        images.append({'id': key(im['id'])})
        db = np.array(im['det_boxes'], np.float32).reshape(-1, 4) * scale
        ds = np.array(im['det_scores'], np.float32)
        for i in range(db.shape[0]):
            if im['det_classes'][i] in cat_set:
                b = db[i]
                dets.append({'image_id': key(im['id']), 'category_id': int(im['det_classes'][i]),
                             'bbox': [float(b[1]), float(b[0]), float(b[3] - b[1]), float(b[2] - b[0])],
                             'score': float(ds[i])})
    gt = {'images': images, 'annotations': gts, 'categories': case['categories']}
    return gt, dets


def coco_metrics(gt_dict, dets, categories):
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = gt_dict
        gt.createIndex()
        # coco_tools.COCOWrapper.LoadAnnotations
        res = COCO()
        res.dataset['images'] = list(gt.dataset['images'])
        res.dataset['categories'] = list(gt.dataset['categories'])
        for idx, d in enumerate(dets):
            d['area'] = d['bbox'][2] * d['bbox'][3]
            d['id'] = idx + 1
            d['iscrowd'] = 0
        res.dataset['annotations'] = dets
        res.createIndex()
        ev = COCOeval(gt, res, 'bbox')
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    out = {'DetectionBoxes_' + n: float(ev.stats[i]) for i, n in enumerate(NAMES)}
    p = ev.params
    names = {c['id']: c['name'] for c in categories}
    for k, cid in enumerate(p.catIds):
        stats = per_category_stats(ev, k)
        out['DetectionBoxes_PerformanceByCategory/mAP/' + names[cid]] = stats[0]
        for i, n in enumerate(NAMES):
            out['DetectionBoxes_%s ByCategory/%s' % (n, names[cid])] = stats[i]
    return out


def per_category_stats(ev, k):
    """The API's summarize_per_category: each statistic on category k's slice alone."""
    p = ev.params

    def one(ap, iou=None, area='all', max_dets=100):
        a = [i for i, lbl in enumerate(p.areaRngLbl) if lbl == area]
        m = [i for i, md in enumerate(p.maxDets) if md == max_dets]
        s = ev.eval['precision'] if ap else ev.eval['recall']
        if iou is not None:
            s = s[np.where(iou == p.iouThrs)[0]]
        s = s[:, :, [k], a, m] if ap else s[:, [k], a, m]
        return -1.0 if len(s[s > -1]) == 0 else float(np.mean(s[s > -1]))

    return [one(1), one(1, .5), one(1, .75), one(1, area='small'), one(1, area='medium'),
            one(1, area='large'), one(0, max_dets=1), one(0, max_dets=10), one(0),
            one(0, area='small'), one(0, area='medium'), one(0, area='large')]


# ----------------------------------------------------------------------------- VOC (API transcription)
def stable_desc(a):
    return np.argsort(a, kind='stable')[::-1]


def np_iou(b1, b2):
    ymin1, xmin1, ymax1, xmax1 = np.split(b1, 4, axis=1)
    ymin2, xmin2, ymax2, xmax2 = np.split(b2, 4, axis=1)
    ih = np.maximum(np.zeros(np.maximum(ymin1, ymin2.T).shape), np.minimum(ymax1, ymax2.T) - np.maximum(ymin1, ymin2.T))
    iw = np.maximum(np.zeros(np.maximum(xmin1, xmin2.T).shape), np.minimum(xmax1, xmax2.T) - np.maximum(xmin1, xmin2.T))
    inter = ih * iw
    a1 = (b1[:, 2] - b1[:, 0]) * (b1[:, 3] - b1[:, 1])
    a2 = (b2[:, 2] - b2[:, 0]) * (b2[:, 3] - b2[:, 1])
    union = np.expand_dims(a1, axis=1) + np.expand_dims(a2, axis=0) - inter
    return inter / union


def voc_metrics(case):
    cats = case['categories']
    num_class = max(c['id'] for c in cats)
    num_gt = np.zeros(num_class, dtype=float)
    scores_pc = [[] for _ in range(num_class)]
    labels_pc = [[] for _ in range(num_class)]
    for im in case['images']:
        scale = np.array([im['height'], im['width'], im['height'], im['width']], np.float32)
        gb = np.array(im['gt_boxes'], np.float32).reshape(-1, 4) * scale
        gc = np.array(im['gt_classes'], dtype=int) - 1
        gd = np.array(im['gt_difficult'], dtype=bool)
        for c in range(num_class):
            num_gt[c] += np.sum(gc[~gd] == c)
        db = np.array(im['det_boxes'], np.float32).reshape(-1, 4) * scale
        ds = np.array(im['det_scores'], np.float32)
        dc = np.array(im['det_classes'], dtype=int) - 1
        valid = np.logical_and(db[:, 0] < db[:, 2], db[:, 1] < db[:, 3])
        db, ds, dc = db[valid], ds[valid], dc[valid]
        for c in range(num_class):
            g, gdiff = gb[gc == c], gd[gc == c]
            d, s = db[dc == c], ds[dc == c]
            if d.size == 0:
                continue
            keep = np.greater(s, -10.0)
            d, s = d[keep], s[keep]
            order = stable_desc(s)[:10000]
            d, s = d[order], s[order]
            tp = np.zeros(s.shape[0], dtype=bool)
            ign = np.zeros(s.shape[0], dtype=bool)
            if g.shape[0] > 0:
                iou = np_iou(d, g)
                best = np.argmax(iou, axis=1)
                found = np.zeros(g.shape[0], dtype=bool)
                for i in range(s.shape[0]):
                    j = best[i]
                    if iou[i, j] >= 0.5:
                        if not gdiff[j]:
                            if not found[j]:
                                tp[i] = True
                                found[j] = True
                        else:
                            ign[i] = True
            s, tp = s[~ign], tp[~ign]
            if s.shape[0] > 0:
                scores_pc[c].append(s)
                labels_pc[c].append(tp)
    ap = np.full(num_class, np.nan)
    for c in range(num_class):
        if num_gt[c] == 0:
            continue
        if not scores_pc[c]:
            ap[c] = 0.0
            continue
        scores = np.concatenate(scores_pc[c])
        labels = np.concatenate(labels_pc[c])
        idx = stable_desc(scores)
        tpl = labels[idx]
        fpl = (tpl <= 0).astype(float)
        ctp, cfp = np.cumsum(tpl), np.cumsum(fpl)
        precision = ctp.astype(float) / (ctp + cfp)
        recall = ctp.astype(float) / num_gt[c]
        r = np.concatenate([[0], recall, [1]])
        p = np.concatenate([[0], precision, [0]])
        for i in range(len(p) - 2, -1, -1):
            p[i] = np.maximum(p[i], p[i + 1])
        ind = np.where(r[1:] != r[:-1])[0] + 1
        ap[c] = np.sum((r[ind] - r[ind - 1]) * p[ind])
    with np.errstate(all='ignore'), __import__('warnings').catch_warnings():
        __import__('warnings').simplefilter('ignore')
        mean_ap = float(np.nanmean(ap))
    out = {'PascalBoxes_Precision/mAP@0.5IOU': mean_ap}
    for c in sorted(cats, key=lambda c: c['id']):
        out['PascalBoxes_PerformanceByCategory/AP@0.5IOU/' + c['name']] = float(ap[c['id'] - 1])
    return out


# ----------------------------------------------------------------------------- comparison
def family(name):
    if 'ByCategory/' in name:
        return name.rsplit('/', 1)[0] + '/<name>'
    return name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--java-cp', required=True)
    ap.add_argument('--cases', type=int, default=3000)
    ap.add_argument('--seed', type=int, default=20260)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    cases = [random_case(rng) for _ in range(args.cases)]
    tmp = tempfile.mkdtemp(prefix='crosscheck_coco_')
    cases_path = os.path.join(tmp, 'cases.json')
    results_path = os.path.join(tmp, 'java.json')
    gt0, det0 = os.path.join(tmp, 'gt0.json'), os.path.join(tmp, 'dets0.json')
    with open(cases_path, 'w') as f:
        json.dump(cases, f)
    subprocess.run(['java', '-cp', args.java_cp, 'dev.finetune.eval.CocoCrosscheckMain',
                    cases_path, results_path, gt0, det0], check=True)
    with open(results_path) as f:
        java = json.load(f)

    worst = defaultdict(float)
    exact = defaultdict(int)
    seen = defaultdict(int)
    failures = []
    stats = defaultdict(int)
    for n, (case, jres) in enumerate(zip(cases, java)):
        gt, dets = api_coco_export(case)
        py = {'coco': coco_metrics(gt, dets, case['categories']), 'voc': voc_metrics(case)}
        if n == 0:
            with open(gt0) as f:
                jgt = json.load(f)
            with open(det0) as f:
                jdets = json.load(f)
            from_json = coco_metrics(jgt, jdets, jgt['categories'])
            same = all(from_json[k] == py['coco'][k] for k in py['coco'])
            print('case 0 from the Java-written COCO JSON: %s' % ('identical' if same else 'DIFFERENT'))
            if not same:
                failures.append('case 0: Java-written JSON evaluates differently')
        for kind in ('coco', 'voc'):
            if set(py[kind]) != set(jres[kind]):
                failures.append('case %d %s: names differ: %s' % (n, kind, set(py[kind]) ^ set(jres[kind])))
                continue
            for name, pv in py[kind].items():
                jv = jres[kind][name]
                jv = float('nan') if jv is None else jv
                fam = family(name)
                seen[fam] += 1
                if math.isnan(pv) or math.isnan(jv):
                    if not (math.isnan(pv) and math.isnan(jv)):
                        failures.append('case %d %s: %s python %r java %r' % (n, kind, name, pv, jv))
                        worst[fam] = float('inf')
                    else:
                        exact[fam] += 1
                    continue
                d = abs(pv - jv)
                worst[fam] = max(worst[fam], d)
                exact[fam] += d == 0
                if d > 1e-6:
                    failures.append('case %d %s: %s python %r java %r' % (n, kind, name, pv, jv))
                if kind == 'coco' and name == 'DetectionBoxes_Precision/mAP':
                    stats['coco mAP = -1' if pv == -1 else 'coco mAP = 0' if pv == 0 else 'coco mAP in (0,1]'] += 1

    n_img = sum(len(c['images']) for c in cases)
    n_det = sum(len(im['det_scores']) for c in cases for im in c['images'])
    n_gt = sum(len(im['gt_classes']) for c in cases for im in c['images'])
    print('%d cases, %d images, %d ground-truth boxes, %d detections (seed %d)' %
          (len(cases), n_img, n_gt, n_det, args.seed))
    print('  ' + ', '.join('%s: %d' % kv for kv in sorted(stats.items())))
    print('%-62s %8s %8s %s' % ('metric', 'values', 'exact', 'max |java - python|'))
    for fam in sorted(seen):
        print('%-62s %8d %8d %.3g' % (fam, seen[fam], exact[fam], worst[fam]))
    if failures:
        print('%d FAILURES, first ones:' % len(failures))
        for f in failures[:20]:
            print('  ' + f)
        sys.exit(1)
    print('OK: every metric within 1e-6')


if __name__ == '__main__':
    main()
