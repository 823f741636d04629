#!/usr/bin/env python3
"""Cross-check `finetune export` and `finetune infer` against Python TensorFlow.

1. `finetune demo` makes the synthetic shapes data and a starting checkpoint; `finetune train`
   fine-tunes it for a few steps (a real model_dir with model.ckpt-N and its pipeline.config).
2. `finetune export` writes the SavedModel; Python checks its serving_default signature (uint8
   input_tensor [1,?,?,3], the API's output names, dtypes and shapes).
3. Images: eval images of the demo data at their size (160x160, the model's) and resized to other
   sizes, and the ducky photos of ../shared/fixtures when present; all written as PNG so that both
   sides see the same pixels (the ducky JPEGs are also run as JPEG, where Java's and TF's JPEG
   decoders may differ by a few levels: reported, not judged).
4. `finetune infer --min_score 0` writes JSON per image; Python runs
   tf.saved_model.load(O/saved_model).signatures['serving_default'](input_tensor=...) on the same
   images and compares count, classes, scores and boxes.
Not a test dependency: run it by hand, e.g. PYTHON=/work/venv/bin/python scripts/crosscheck_saved_model.sh
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
FINETUNE = os.path.join(HERE, "finetune")
FIXTURES = os.path.join(HERE, "..", "..", "shared", "fixtures")
OUTPUTS = ["detection_boxes", "detection_scores", "detection_classes", "num_detections",
           "raw_detection_boxes", "raw_detection_scores"]


def run(args, cwd, expect=(0,)):
    print("$ finetune " + " ".join(args), flush=True)
    p = subprocess.run([FINETUNE] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode not in expect:
        sys.stdout.write(p.stdout)
        sys.stderr.write(p.stderr)
        sys.exit("finetune exited with %d" % p.returncode)
    return p


def write_images(work, record, model_size):
    """PNG files: eval images at 160x160, resized copies, ducky photos; returns (path, kind)."""
    out = os.path.join(work, "images")
    os.makedirs(out, exist_ok=True)
    images = []
    feature = {"image/encoded": tf.io.FixedLenFeature([], tf.string)}
    def save(img, name, kind):
        path = os.path.join(out, name)
        tf.io.write_file(path, tf.io.encode_png(img))
        images.append((path, "png %dx%d, %s" % (img.shape[0], img.shape[1], kind)))

    def resized(img, h, w):
        return tf.cast(tf.clip_by_value(tf.round(tf.image.resize(img, [h, w])), 0, 255), tf.uint8)

    for i, raw in enumerate(tf.data.TFRecordDataset(record).take(4)):
        ex = tf.io.parse_single_example(raw, feature)
        img = tf.io.decode_image(ex["image/encoded"], channels=3)
        save(img, "eval%d.png" % i, "demo eval")
        if i == 0:
            save(resized(img, model_size[0], model_size[1]), "eval0_model_size.png", "model size")
        if i < 2:
            h, w = [(213, 121), (97, 300)][i]
            save(resized(img, h, w), "eval%d_%dx%d.png" % (i, h, w), "other aspect")
    ducky = os.path.join(FIXTURES, "ducky", "train")
    if os.path.isdir(ducky):
        for name in ["robertducky1.jpg", "robertducky4.jpg"]:
            src = os.path.join(ducky, name)
            img = tf.io.decode_image(tf.io.read_file(src), channels=3)
            save(img, name.replace(".jpg", ".png"), "photo")
            images.append((src, "jpeg %dx%d, photo" % (img.shape[0], img.shape[1])))
    else:
        print("(no ../shared/fixtures/ducky: photos skipped)")
    return images


def check_signature(fn):
    spec = fn.structured_input_signature[1]
    assert list(spec) == ["input_tensor"], spec
    t = spec["input_tensor"]
    assert t.dtype == tf.uint8 and t.shape.as_list() == [1, None, None, 3], t
    outs = fn.structured_outputs
    assert sorted(outs) == sorted(OUTPUTS), sorted(outs)
    for k, v in outs.items():
        assert v.dtype == tf.float32, (k, v.dtype)
    print("signature serving_default: input_tensor uint8 [1,None,None,3] -> "
          + ", ".join("%s %s" % (k, outs[k].shape.as_list()) for k in OUTPUTS))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work_dir", help="default: a new temporary directory")
    ap.add_argument("--train_steps", type=int, default=20)
    ap.add_argument("--batch_size", type=int, default=4)
    ap.add_argument("--tolerance", type=float, default=1e-5,
                    help="max |difference| of scores and box coordinates for PNG inputs")
    a = ap.parse_args()
    work = os.path.abspath(a.work_dir or tempfile.mkdtemp(prefix="crosscheck_saved_model_"))
    os.makedirs(work, exist_ok=True)
    print("work dir:", work)

    demo = os.path.join(work, "finetune-demo")
    if not os.path.exists(os.path.join(demo, "pipeline.config")):
        run(["demo", "--num_eval", "8"], cwd=work)
    model_dir = os.path.join(work, "run")
    run(["--pipeline_config_path", "finetune-demo/pipeline.config", "--model_dir", "run",
         "--num_train_steps", str(a.train_steps), "--checkpoint_every_n", str(a.train_steps),
         "--set", "train_config.batch_size=%d" % a.batch_size], cwd=work)
    exported = os.path.join(work, "exported")
    p = run(["export", "--pipeline_config_path", os.path.join(model_dir, "pipeline.config"),
             "--trained_checkpoint_dir", model_dir, "--output_directory", exported, "--overwrite"],
            cwd=work)
    sys.stdout.write(p.stdout)

    with open(os.path.join(exported, "pipeline.config")) as f:
        text = f.read()
    model_size = [int(text.split(k + ": ")[1].split()[0]) for k in ("height", "width")]
    images = write_images(work, os.path.join(demo, "data", "eval.record"), model_size)
    results = os.path.join(work, "infer")
    p = run(["infer", "--saved_model", exported, "--output_dir", results, "--min_score", "0",
             "--images"] + [path for path, _ in images], cwd=work)

    loaded = tf.saved_model.load(os.path.join(exported, "saved_model"))
    fn = loaded.signatures["serving_default"]
    check_signature(fn)

    failures = 0
    worst = {"png": [0.0, 0.0], "jpeg": [0.0, 0.0]}
    for path, kind in images:
        stem = os.path.splitext(os.path.basename(path))[0]
        if kind.startswith("jpeg"):
            stem += "_2"  # infer names the second file of a stem <stem>_2
        with open(os.path.join(results, stem + ".json")) as f:
            java = json.load(f)
        img = tf.io.decode_image(tf.io.read_file(path), channels=3)
        out = fn(input_tensor=img[tf.newaxis])
        n = int(out["num_detections"][0])
        boxes = out["detection_boxes"][0, :n].numpy()
        scores = out["detection_scores"][0, :n].numpy()
        classes = out["detection_classes"][0, :n].numpy().astype(int)
        jd = java["detections"]
        jboxes = np.array([d["box"] for d in jd], dtype=np.float32).reshape(-1, 4)
        jscores = np.array([d["score"] for d in jd], dtype=np.float32)
        jclasses = np.array([d["class_id"] for d in jd], dtype=int)
        same_count = len(jd) == n
        same_classes = same_count and np.array_equal(classes, jclasses)
        ds = float(np.max(np.abs(scores - jscores))) if same_count and n else float("nan")
        db = float(np.max(np.abs(boxes - jboxes))) if same_count and n else float("nan")
        fmt = "png" if kind.startswith("png") else "jpeg"
        if same_count and n:
            worst[fmt][0] = max(worst[fmt][0], ds)
            worst[fmt][1] = max(worst[fmt][1], db)
        ok = same_classes and ds <= a.tolerance and db <= a.tolerance
        verdict = "OK" if ok else ("differs (JPEG decoders)" if fmt == "jpeg" else "FAIL")
        if not ok and fmt == "png":
            failures += 1
        print("%-24s %-24s n=%2d/%2d classes %s  max|dscore| %.2e  max|dbox| %.2e  top score %.4f  %s"
              % (os.path.basename(path), kind, n, len(jd), "same" if same_classes else "DIFFER",
                 ds, db, scores[0] if n else float("nan"), verdict))
    print("worst PNG: score %.2e box %.2e; worst JPEG: score %.2e box %.2e"
          % (worst["png"][0], worst["png"][1], worst["jpeg"][0], worst["jpeg"][1]))
    if failures:
        sys.exit("%d PNG images differ beyond %g" % (failures, a.tolerance))
    print("OK: Python TensorFlow %s serves the export and agrees with finetune infer" % tf.__version__)


if __name__ == "__main__":
    main()
