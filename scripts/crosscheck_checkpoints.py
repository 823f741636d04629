#!/usr/bin/env python3
"""Cross-check finetune's pure-Java checkpoint reader against Python TensorFlow.

Writes checkpoints with Python TensorFlow (TF1 Saver with global_step, a partitioned variable,
many dtypes and two shards; TF2 tf.train.Checkpoint of a Keras model with Adam slots), then runs
`finetune inspect_checkpoint --all_tensors --json` (and `--layout --json`) and compares every value
with what TensorFlow's own reader returns. Not a test dependency: run it by hand with a Python that
has TensorFlow, e.g. scripts/crosscheck_checkpoints.sh.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
FINETUNE = os.path.join(HERE, "finetune")


def write_tf1(prefix_dir):
    g = tf.Graph()
    with g.as_default():
        v1 = tf.compat.v1
        step = v1.train.get_or_create_global_step()
        with tf.device("/cpu:0"):
            v1.get_variable("FeatureExtractor/weights", initializer=np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7)
            v1.get_variable("part", shape=[10, 3], dtype=tf.float32,
                            initializer=v1.random_normal_initializer(seed=1),
                            partitioner=v1.fixed_size_partitioner(3))
            v1.Variable(np.array([1e-300, -2.5], dtype=np.float64), name="f64")
            v1.Variable(np.array([0.5, -65504, 1.0009766], dtype=np.float16), name="f16")
            v1.Variable(tf.constant([0.5, -3e38, 1.0078125], dtype=tf.bfloat16), name="bf16")
            v1.Variable(np.array([-128, 5, 127], dtype=np.int8), name="i8")
        with tf.device("/cpu:1"):
            v1.Variable(np.array([-32768, 7], dtype=np.int16), name="i16")
            v1.Variable(np.array([0, 255], dtype=np.uint8), name="u8")
            v1.Variable(np.array([1, -2], dtype=np.int32), name="i32")
            v1.Variable(np.array([[1 + 2j, -3.5j]], dtype=np.complex64), name="c64")
            v1.Variable(np.array([0.25 - 1j], dtype=np.complex128), name="c128")
            v1.Variable([True, False, True], name="flags")
            v1.Variable([b"", b"hello", "na\u00efve".encode(), b"\xff\x00bin"], name="strings")
            v1.Variable(np.zeros([0, 4], np.float32), name="empty")
        inc = v1.assign_add(step, 1200)
        saver = v1.train.Saver(sharded=True)
        config = v1.ConfigProto(device_count={"CPU": 2})
        with v1.Session(config=config) as s:
            s.run(v1.global_variables_initializer())
            s.run(inc)
            return saver.save(s, os.path.join(prefix_dir, "model.ckpt"), global_step=step)


def write_tf2(prefix_dir):
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2, name="dense")])
    opt = tf.keras.optimizers.Adam(0.01)
    x = tf.constant(np.ones((4, 3), np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(model(x) ** 2)
    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
    ckpt = tf.train.Checkpoint(model=model, optimizer=opt)
    manager = tf.train.CheckpointManager(ckpt, prefix_dir, max_to_keep=3)
    return manager.save()


def write_tf2_slots(prefix_dir):
    """A TF2 object-based checkpoint whose optimizer keeps slot variables (v1 Adam: m and v)."""
    kernel = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="kernel")
    module = tf.Module()
    module.kernel = kernel
    opt = tf.compat.v1.train.AdamOptimizer(0.1)
    opt.apply_gradients([(tf.ones_like(kernel), kernel)])
    ckpt = tf.train.Checkpoint(model=module, optimizer=opt)
    return ckpt.save(os.path.join(prefix_dir, "ckpt"))


def expected(prefix):
    reader = tf.train.load_checkpoint(prefix)
    out = {}
    for name, shape in reader.get_variable_to_shape_map().items():
        out[name] = (reader.get_variable_to_dtype_map()[name], shape, reader.get_tensor(name))
    return out


def same(java_values, value, dtype):
    flat = np.asarray(value).reshape(-1)
    if len(java_values) != flat.size:
        return False
    for j, p in zip(java_values, flat):
        if dtype == tf.string:
            jb = j.encode("utf-8") if isinstance(j, str) else __import__("base64").b64decode(j["base64"])
            if jb != p:
                return False
        elif dtype.is_complex:
            if complex(j[0], j[1]) != complex(p):
                return False
        elif dtype == tf.bool:
            if bool(j) != bool(p):
                return False
        else:
            if isinstance(j, str):
                j = float(j)
            pv = float(p) if dtype.is_floating else int(p)
            if dtype.is_floating and dtype != tf.float64:
                # Java prints the shortest decimal that identifies the float32 value.
                j, pv = float(np.float32(j)), float(np.float32(pv))
            if dtype.is_floating and math.isnan(pv):
                if not math.isnan(j):
                    return False
            elif j != pv:
                return False
    return True


def inspect(prefix, *extra):
    out = subprocess.run([FINETUNE, "inspect_checkpoint", "--file_name", prefix, "--json", *extra],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def check(label, prefix):
    want = expected(prefix)
    got = inspect(prefix, "--all_tensors")
    tensors = {t["name"]: t for t in got["tensors"]}
    failures = 0
    for name, (dtype, shape, value) in sorted(want.items()):
        t = tensors.get(name)
        if t is None:
            print(f"  MISSING {name}")
            failures += 1
            continue
        tf_name = {"float32": "float", "float64": "double", "float16": "half"}.get(dtype.name, dtype.name)
        ok = t["dtype"] == tf_name and t["shape"] == list(shape) \
            and same(t["values"], value, dtype)
        if not ok:
            failures += 1
            print(f"  DIFFERENT {name}: java {t['dtype']} {t['shape']} {str(t['values'])[:80]}"
                  f" vs tf {dtype.name} {shape} {str(value)[:80]}")
    extra = set(tensors) - set(want)
    for name in extra:
        print(f"  EXTRA {name}")
        failures += 1
    print(f"{label}: {len(want)} tensors, layout {got['layout']}, {failures} differences")
    return failures


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="finetune-crosscheck-")
    os.makedirs(work, exist_ok=True)
    failures = 0
    tf1_dir = os.path.join(work, "tf1")
    os.makedirs(tf1_dir, exist_ok=True)
    tf1 = write_tf1(tf1_dir)
    failures += check(f"TF1 Saver {tf1}", tf1)
    failures += check("TF1 by directory (checkpoint state file)", tf1_dir)
    tf2_dir = os.path.join(work, "tf2")
    tf2 = write_tf2(tf2_dir)
    failures += check(f"TF2 Checkpoint {tf2}", tf2)
    tf2s = write_tf2_slots(os.path.join(work, "tf2_slots"))
    failures += check(f"TF2 Checkpoint with slots {tf2s}", tf2s)
    for prefix in (tf2, tf2s):
        failures += check_layout(prefix)
    print("OK" if failures == 0 else f"FAILED: {failures} differences")
    sys.exit(1 if failures else 0)


def check_layout(tf2):
    failures = 0
    layout = inspect(tf2, "--layout")
    slots = [o for o in layout["objects"] if "slot" in o]
    print(f"TF2 object graph: {len(layout['objects'])} objects, {len(slots)} optimizer slots, e.g."
          f" {slots[0]['path'] if slots else None} -> {slots[0]['slot'] if slots else None}")
    keys = {a["checkpoint_key"] for o in layout["objects"] for a in o["attributes"]}
    missing = set(expected(tf2)) - keys - {"_CHECKPOINTABLE_OBJECT_GRAPH"}
    if missing:
        print(f"  keys not mapped to objects: {sorted(missing)}")
        failures += len(missing)
    return failures


if __name__ == "__main__":
    main()
