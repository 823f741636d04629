#!/usr/bin/env bash
# Issue 9's number: the training step with the whole feature extractor frozen divided by the full
# step, same config (SSD MobileNet V1 1.0 at 300x300, batch 8, the synthetic shapes), same machine,
# measured in one run of this script: two `finetune train` runs, alternated ROUNDS times, each
# STEPS steps; the median per-step time after the first 5 steps (warm-up) of each.
# Usage: scripts/bench_frozen_step.sh [STEPS=25] [ROUNDS=2]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-25}"
rounds="${2:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$here/scripts/finetune" make_demo_data --output "$work/data" --num_train 64 --num_eval 4 --size 320 >/dev/null
# The demo's pretraining config: no fine_tune_checkpoint, no freeze rules of its own.
sed -e "s#\"pretrain/data/#\"$work/data/#g" \
  "$here/configs/ssd_mobilenet_v1_demo_pretrain.config" > "$work/pipeline.config"
common=(--pipeline_config_path "$work/pipeline.config" --num_train_steps "$steps" --log_every_n 1
  --checkpoint_every_n 100000 --record_summaries=false
  --set model.ssd.feature_extractor.depth_multiplier=1.0
  --set model.ssd.image_resizer.fixed_shape_resizer.height=300
  --set model.ssd.image_resizer.fixed_shape_resizer.width=300)
median() { # metrics.jsonl -> median per-step seconds after step 5
  python3 -c "import json,sys,statistics as s; v=[json.loads(l)['per_step_seconds'] for l in open(sys.argv[1]) if json.loads(l)['step']>5]; print(s.median(v))" "$1"
}
full=(); frozen=()
for r in $(seq "$rounds"); do
  "$here/scripts/finetune" "${common[@]}" --model_dir "$work/full$r" >/dev/null 2>&1
  full+=("$(median "$work/full$r/metrics.jsonl")")
  "$here/scripts/finetune" "${common[@]}" --model_dir "$work/frozen$r" \
    --set 'train_config.freeze_variables=[".*FeatureExtractor.*"]' >/dev/null 2>&1
  frozen+=("$(median "$work/frozen$r/metrics.jsonl")")
done
python3 - "${full[*]}" "${frozen[*]}" <<'PY'
import sys, statistics as s
full = [float(x) for x in sys.argv[1].split()]
frozen = [float(x) for x in sys.argv[2].split()]
f, z = s.median(full), s.median(frozen)
print(f"full step    {f*1000:8.1f} ms  (rounds: {', '.join(f'{x*1000:.0f}' for x in full)})")
print(f"frozen step  {z*1000:8.1f} ms  (rounds: {', '.join(f'{x*1000:.0f}' for x in frozen)})")
print(f"frozen / full = {z/f:.2f}  (target <= 0.5)")
PY
