#!/usr/bin/env python3
"""Cross-check what `finetune train` writes against Python TensorFlow and TensorBoard.

Trains the Object Detection API's own SSD MobileNet V1 (fixtures/odapi_reference/
pipeline_effective.config: 37 classes, 300x300; with batch 2, a momentum optimizer and the demo
shapes data), fine-tuning from the API's init_ckpt, in three runs into one model_dir:
  A: steps 1-3, clean end (checkpoints 2, 3);
  B: resumed towards 8, killed with SIGKILL 0.1 s after step 5 is logged (checkpoint 4, maybe 6);
  C: resumed from the state file's latest checkpoint to 8.
Then, with TensorFlow 2.21 and TensorBoard:
  checkpoints  tf.train.get_checkpoint_state / load_checkpoint / list_variables read every
               checkpoint; the model variables are exactly the API's names and shapes
               (variables.tsv); every trainable variable has its Momentum slot of the same shape;
               global_step (int64) equals each checkpoint's step; a few tensors equal what
               `finetune inspect_checkpoint` prints;
  events       tf.compat.v1.train.summary_iterator reads every event file under model_dir/train:
               first record file_version brain.Event:2, scalars (Loss/*, learning_rate) equal to
               model_dir/metrics.jsonl line for line, images decode as PNG of the stated size;
               record shapes compared with fixtures/events (TF2 tf.summary);
  tensorboard  EventAccumulator loads model_dir/train (tags, steps, values); optionally
               `tensorboard --logdir` serves the scalars over HTTP (--serve).
Not a test dependency: run it by hand with the venv's Python, e.g. scripts/crosscheck_training.sh.
Exit code 0 when every check passes.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FINETUNE = os.path.join(HERE, "finetune")
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))

failures = []
LAST = 8  # the last step of runs B and C


def check(ok, what):
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)
    return ok


def run(args, **kw):
    return subprocess.run([FINETUNE] + args, capture_output=True, text=True, **kw)


def write_config(work, fixtures, data):
    text = open(os.path.join(fixtures, "odapi_reference", "pipeline_effective.config")).read()
    # A momentum optimizer (its slot is what this checks), batch 2, the demo data, the API's
    # own initial checkpoint.
    start = text.index("  optimizer {")
    end = text.index("  fine_tune_checkpoint:")
    text = (text[:start]
            + "  optimizer { momentum_optimizer {\n"
            + "    learning_rate { constant_learning_rate { learning_rate: 0.004 } }\n"
            + "    momentum_optimizer_value: 0.9 } use_moving_average: false }\n"
            + text[end:])
    text = text.replace("batch_size: 24", "batch_size: 2")
    text = text.replace('"PATH_TO_BE_CONFIGURED/model.ckpt"',
                        '"%s"' % os.path.join(fixtures, "odapi_reference", "init_ckpt"))
    text = text.replace('"PATH_TO_BE_CONFIGURED/pet_label_map.pbtxt"',
                        '"%s"' % os.path.join(data, "label_map.pbtxt"))
    text = re.sub(r'"PATH_TO_BE_CONFIGURED/pet_faces_train[^"]*"',
                  '"%s"' % os.path.join(data, "train.record"), text)
    text = re.sub(r'"PATH_TO_BE_CONFIGURED/pet_faces_val[^"]*"',
                  '"%s"' % os.path.join(data, "eval.record"), text)
    path = os.path.join(work, "pipeline.config")
    with open(path, "w") as f:
        f.write(text)
    return path


def train(config, model_dir, steps, log, kill_after_step=None):
    args = [FINETUNE, "--pipeline_config_path", config, "--model_dir", model_dir,
            "--num_train_steps", str(steps), "--checkpoint_every_n", "2", "--log_every_n", "1",
            "--seed", "3", "--input_threads", "2"]
    t0 = time.time()
    with open(log, "w") as out:
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in p.stdout:
            out.write(line)
            if kill_after_step is not None and f"Step {kill_after_step} per-step" in line:
                time.sleep(0.1)  # its losses reach metrics.jsonl and the event file
                p.send_signal(signal.SIGKILL)
                break
        rc = p.wait()
        out.write(p.stdout.read() if not p.stdout.closed else "")
    return rc, time.time() - t0


def step_of(prefix):
    return int(prefix.rsplit("-", 1)[1])


def check_checkpoints(model_dir, fixtures):
    print("\n== checkpoints (TensorFlow %s)" % tf.__version__)
    state = tf.train.get_checkpoint_state(model_dir)
    check(state is not None and state.model_checkpoint_path.endswith("model.ckpt-%d" % LAST),
          "tf.train.get_checkpoint_state: latest %s" % (state and state.model_checkpoint_path))
    latest = tf.train.latest_checkpoint(model_dir)
    check(latest is not None and latest.endswith("model.ckpt-%d" % LAST), "tf.train.latest_checkpoint: %s" % latest)
    for p in state.all_model_checkpoint_paths:
        prefix = p if os.path.isabs(p) else os.path.join(model_dir, p)
        r = tf.train.load_checkpoint(prefix)
        dtypes = r.get_variable_to_dtype_map()
        gs = r.get_tensor("global_step")
        check(dtypes.get("global_step") == tf.int64 and int(gs) == step_of(prefix),
              "load_checkpoint(%s): global_step %s (%s) == step %d"
              % (os.path.basename(prefix), gs, dtypes.get("global_step"), step_of(prefix)))

    listed = dict(tf.train.list_variables(model_dir))
    api = {}
    trainable = set()
    with open(os.path.join(fixtures, "odapi_reference", "variables.tsv")) as f:
        next(f)
        for line in f:
            name, shape, _dtype, train_flag, _n = line.rstrip("\n").split("\t")
            api[name] = [int(d) for d in shape.split("x")] if shape else []
            if train_flag == "1":
                trainable.add(name)
    model_vars = {n: s for n, s in listed.items() if n != "global_step" and not n.endswith("/Momentum")}
    missing = sorted(set(api) - set(model_vars))
    extra = sorted(set(model_vars) - set(api))
    wrong_shape = sorted(n for n in set(api) & set(model_vars) if list(model_vars[n]) != api[n])
    check(not missing and not extra and not wrong_shape,
          "list_variables(model_dir): %d model variables, the API's %d names and shapes exactly"
          " (missing %s, extra %s, wrong shape %s)"
          % (len(model_vars), len(api), missing[:3], extra[:3], wrong_shape[:3]))
    slots = {n[: -len("/Momentum")]: s for n, s in listed.items() if n.endswith("/Momentum")}
    check(set(slots) == trainable and all(list(slots[n]) == api[n] for n in slots),
          "Momentum slots: %d, one per trainable variable (%d) with its shape; none for the %d"
          " moving statistics" % (len(slots), len(trainable), len(api) - len(trainable)))
    check("global_step" in listed and list(listed["global_step"]) == [],
          "global_step listed, scalar; %d variables in all" % len(listed))

    # A few values: TensorFlow's reader and finetune's agree exactly.
    prefix = latest
    r = tf.train.load_checkpoint(prefix)
    for name in ["FeatureExtractor/MobilenetV1/Conv2d_0/weights",
                 "FeatureExtractor/MobilenetV1/Conv2d_0/weights/Momentum",
                 "FeatureExtractor/MobilenetV1/Conv2d_13_pointwise/BatchNorm/moving_mean",
                 "BoxPredictor_5/ClassPredictor/biases"]:
        out = run(["inspect_checkpoint", "--file_name", prefix, "--tensor_name", name, "--json"])
        ok = out.returncode == 0
        if ok:
            theirs = np.asarray(json.loads(out.stdout)["values"], dtype=np.float32)
            ours = r.get_tensor(name).reshape(-1)
            ok = theirs.shape == ours.shape and np.array_equal(theirs, ours)
        check(ok, "%s: TensorFlow's values == finetune inspect_checkpoint's" % name)
    # Training moved the weights away from the API's initial checkpoint, slots are non-zero.
    init = tf.train.load_checkpoint(os.path.join(fixtures, "odapi_reference", "init_ckpt"))
    moved = sum(1 for n in trainable if not np.array_equal(init.get_tensor(n), r.get_tensor(n)))
    nonzero = sum(1 for n in trainable if np.any(r.get_tensor(n + "/Momentum")))
    check(moved > 0 and nonzero > 0,
          "after %d steps: %d/%d trainable variables differ from init_ckpt, %d Momentum slots non-zero"
          % (LAST, moved, len(trainable), nonzero))


def read_events(path):
    """Every record of an event file, with a note of a truncated tail (a killed writer)."""
    events, error = [], None
    try:
        for e in tf.compat.v1.train.summary_iterator(path):
            events.append(e)
    except tf.errors.DataLossError as ex:  # a record cut short by the kill
        error = str(ex).splitlines()[0]
    return events, error


def kinds(event):
    if event.HasField("file_version") or event.file_version:
        return ["file_version"]
    out = []
    if event.HasField("summary"):
        for v in event.summary.value:
            kind = v.WhichOneof("value")
            plugin = v.metadata.plugin_data.plugin_name
            out.append(kind + ("(%s)" % plugin if plugin else ""))
    elif event.HasField("session_log"):
        out.append("session_log")
    return out or ["other"]


def check_events(model_dir, fixtures, runs):
    print("\n== events (tf.compat.v1.train.summary_iterator)")
    files = sorted(glob.glob(os.path.join(model_dir, "train", "events.out.tfevents.*")))
    check(len(files) == runs, "%d event files under model_dir/train (one per run: %d)" % (len(files), runs))
    scalars = []  # (step, tag, value) from all files
    images = 0
    for path in files:
        events, error = read_events(path)
        first = events[0] if events else None
        check(first is not None and first.file_version == "brain.Event:2" and first.wall_time > 0,
              "%s: %d records, first file_version %r, wall_time %s%s"
              % (os.path.basename(path), len(events), first and first.file_version,
                 first and first.wall_time, "; tail: " + error if error else ""))
        for e in events[1:]:
            for v in e.summary.value:
                kind = v.WhichOneof("value")
                if kind == "simple_value":
                    scalars.append((e.step, v.tag, np.float32(v.simple_value)))
                elif kind == "image":
                    img = tf.io.decode_image(v.image.encoded_image_string).numpy()
                    if not check(img.shape == (v.image.height, v.image.width, 3),
                                 "image %s step %d decodes to %s (stated %dx%d)"
                                 % (v.tag, e.step, img.shape, v.image.height, v.image.width)):
                        continue
                    images += 1
        summary_kinds = sorted({k for e in events[1:] for k in kinds(e)})
        print("        value kinds: %s; steps %s..%s" % (summary_kinds,
              min((e.step for e in events[1:]), default=None), max((e.step for e in events[1:]), default=None)))
    check(images > 0, "%d summary images decoded (PNG, height x width x 3)" % images)

    metrics = []
    with open(os.path.join(model_dir, "metrics.jsonl")) as f:
        for line in f:
            o = json.loads(line)
            for k, v in o.items():
                if k.startswith("Loss/") or k == "learning_rate":
                    metrics.append((o["step"], k, np.float32(v)))
    ours = sorted((s, t, float(v)) for s, t, v in scalars if t.startswith("Loss/") or t == "learning_rate")
    theirs = sorted((s, t, float(v)) for s, t, v in metrics)
    check(ours == theirs and len(ours) > 0,
          "%d scalars (Loss/*, learning_rate) in the events == the %d in metrics.jsonl, step by step"
          % (len(ours), len(theirs)))
    tags = sorted({t for _, t, _ in scalars})
    print("        scalar tags: %s" % tags)
    for t in ["Loss/total_loss", "Loss/localization_loss", "Loss/classification_loss",
              "Loss/regularization_loss", "learning_rate", "steps_per_sec"]:
        check(t in tags, "scalar tag %s present" % t)

    # The shape of TensorFlow's own records (TF2 tf.summary), for comparison.
    fixture = sorted(glob.glob(os.path.join(fixtures, "events", "events.out.tfevents.*")))
    if not fixture:
        print("  skip  fixtures/events absent")
        return
    events, error = read_events(fixture[0])
    first = events[0]
    ours_first = read_events(files[0])[0][0]
    check(first.file_version == ours_first.file_version == "brain.Event:2",
          "first record: TF's file_version %r, ours %r" % (first.file_version, ours_first.file_version))
    fields_tf = sorted({f.name for e in events[1:] for f, _ in e.ListFields()})
    fields_ours = sorted({f.name for e in read_events(files[0])[0][1:] for f, _ in e.ListFields()})
    check(fields_tf == fields_ours,
          "Event fields of summary records: TF %s, ours %s" % (fields_tf, fields_ours))
    tf_kinds = sorted({k for e in events[1:] for k in kinds(e)})
    print("        TF2 fixture: %d records, value kinds %s; ours: simple_value (TF1 tf.summary.scalar"
          " form) and image" % (len(events), tf_kinds))
    # TensorBoard reads both scalar forms: its data_compat turns a simple_value into the same
    # scalar tensor as tf.summary writes.
    from tensorboard import data_compat
    tf_value = next(v for e in events[1:] for v in e.summary.value)
    our_value = next(v for e in read_events(files[0])[0][1:] for v in e.summary.value
                     if v.WhichOneof("value") == "simple_value")
    migrated = data_compat.migrate_value(our_value)
    same = (migrated.metadata.plugin_data.plugin_name == tf_value.metadata.plugin_data.plugin_name
            and migrated.tensor.dtype == tf_value.tensor.dtype
            and list(migrated.tensor.tensor_shape.dim) == list(tf_value.tensor.tensor_shape.dim))
    check(same, "TensorBoard's data_compat turns our simple_value into plugin %r, dtype %s, shape %s;"
          " TF's fixture value: plugin %r, dtype %s, shape %s"
          % (migrated.metadata.plugin_data.plugin_name, migrated.tensor.dtype,
             list(migrated.tensor.tensor_shape.dim), tf_value.metadata.plugin_data.plugin_name,
             tf_value.tensor.dtype, list(tf_value.tensor.tensor_shape.dim)))


def check_tensorboard(model_dir, last_step, serve):
    print("\n== TensorBoard")
    import tensorboard
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    ea = EventAccumulator(os.path.join(model_dir, "train"), size_guidance={"scalars": 0, "images": 0})
    ea.Reload()
    tags = ea.Tags()
    check("Loss/total_loss" in tags["scalars"] and tags["images"],
          "EventAccumulator (tensorboard %s): %d scalar tags, image tags %s"
          % (tensorboard.__version__, len(tags["scalars"]), tags["images"]))
    steps = [e.step for e in ea.Scalars("Loss/total_loss")]
    metrics = {}
    with open(os.path.join(model_dir, "metrics.jsonl")) as f:
        for line in f:
            o = json.loads(line)
            metrics[o["step"]] = np.float32(o["Loss/total_loss"])  # the last run's value of a step
    values_ok = all(np.float32(e.value) == metrics[e.step] for e in ea.Scalars("Loss/total_loss"))
    check(sorted(set(steps)) == list(range(1, last_step + 1)) and values_ok,
          "Loss/total_loss steps %s, values == metrics.jsonl: %s" % (steps, values_ok))
    if len(steps) != len(set(steps)):
        print("  note  steps logged by the killed run and again after the resume appear twice: the"
              " run writes no SessionLog START at its start step, which TensorBoard uses to purge"
              " orphaned points (TF1's Supervisor/MonitoredSession write one)")
    for tag in tags["images"]:
        img = ea.Images(tag)[-1]
        ok = tf.io.decode_png(img.encoded_image_string).shape == (img.height, img.width, 3)
        check(ok, "image %s: %d events, last at step %d decodes to %dx%d" % (tag, len(ea.Images(tag)), img.step, img.height, img.width))
    if not serve:
        return
    tb = shutil.which("tensorboard") or os.path.join(os.path.dirname(sys.executable), "tensorboard")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = subprocess.Popen([tb, "--logdir", model_dir, "--port", str(port), "--host", "127.0.0.1",
                          "--load_fast=false"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = "http://127.0.0.1:%d/data/plugin/scalars/scalars?run=train&tag=Loss%%2Ftotal_loss" % port
        data, deadline = None, time.time() + 90
        while time.time() < deadline and data is None:
            try:
                data = json.loads(urllib.request.urlopen(url, timeout=5).read())
                if not data:
                    data = None
                    time.sleep(1)
            except Exception:
                time.sleep(1)
        ok = data is not None and sorted({d[1] for d in data}) == list(range(1, last_step + 1))
        check(ok, "tensorboard --logdir serves run 'train', Loss/total_loss: %s"
              % ([(d[1], round(d[2], 4)) for d in data] if data else "nothing in 90 s"))
    finally:
        p.terminate()
        p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", help="work folder (default: a new temporary one, deleted on success)")
    ap.add_argument("--shared", default=SHARED, help="the shared folder with fixtures/")
    ap.add_argument("--serve", action="store_true", help="also start `tensorboard --logdir` and query it")
    args = ap.parse_args()
    fixtures = os.path.join(args.shared, "fixtures")
    if not os.path.exists(os.path.join(fixtures, "odapi_reference", "init_ckpt.index")):
        print("SKIP: %s/odapi_reference is absent" % fixtures)
        return 0
    work = args.work or tempfile.mkdtemp(prefix="crosscheck_training.")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "data")
    model_dir = os.path.join(work, "model_dir")
    shutil.rmtree(model_dir, ignore_errors=True)
    out = run(["make_demo_data", "--output", data, "--num_train", "8", "--num_eval", "2", "--size", "160"])
    if out.returncode != 0:
        print("FAIL: make_demo_data: " + out.stderr)
        return 1
    config = write_config(work, fixtures, data)

    print("== training SSD MobileNet V1 (the API's pets config, batch 2, momentum) in %s" % model_dir)
    rc, secs = train(config, model_dir, 3, os.path.join(work, "runA.log"))
    check(rc == 0, "run A (steps 1-3, from the API's init_ckpt): exit %d in %.0f s" % (rc, secs))
    rc, secs = train(config, model_dir, LAST, os.path.join(work, "runB.log"), kill_after_step=5)
    logged = re.findall(r"Step (\d+) per-step", open(os.path.join(work, "runB.log")).read())
    expected = os.path.basename(tf.train.latest_checkpoint(model_dir))
    check(rc == -signal.SIGKILL, "run B (resume towards %d, SIGKILL 0.1 s after step 5 is logged): exit %d in"
          " %.0f s, last step logged %s, latest checkpoint %s" % (LAST, rc, secs, logged[-1:], expected))
    rc, secs = train(config, model_dir, LAST, os.path.join(work, "runC.log"))
    resumed = re.search(r"Resuming from (\S+) \(step (\d+)\)", open(os.path.join(work, "runC.log")).read())
    check(rc == 0 and resumed is not None and resumed.group(1) == expected,
          "run C (resume to %d): exit %d in %.0f s, %s (expected %s)"
          % (LAST, rc, secs, resumed and resumed.group(0), expected))
    if rc != 0:
        print(open(os.path.join(work, "runC.log")).read()[-2000:])
        return 1

    check_checkpoints(model_dir, fixtures)
    check_events(model_dir, fixtures, runs=3)
    check_tensorboard(model_dir, LAST, args.serve)

    print()
    if failures:
        print("FAIL: %d check(s) failed (work folder kept: %s)" % (len(failures), work))
        for f in failures:
            print("  - " + f)
        return 1
    print("PASS: TensorFlow and TensorBoard read finetune's checkpoints and event files")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
