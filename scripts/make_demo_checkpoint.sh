#!/usr/bin/env bash
# Regenerates the demo's starting checkpoint, src/main/resources/demo/pretrained/model.ckpt.*, from
# scratch with finetune's own commands: the pretraining dataset (task A: circle, square, triangle),
# training configs/ssd_mobilenet_v1_demo_pretrain.config from initializers, an evaluation, then an
# export whose checkpoint (the model variables only, no optimizer slots) becomes the resource.
# About 10-30 minutes on 2 cores. Same seed, same data and initial weights; the trained values
# vary in the last bits from run to run (TensorFlow's multi-threaded reductions).
#
#   scripts/make_demo_checkpoint.sh [--work DIR] [--output DIR] [--seed N] [--num_train N] [--num_steps N]
# --work (default target/demo-pretrain) keeps the data, the run (TensorBoard: WORK/pretrain/run) and
# the logs; --output (default src/main/resources/demo/pretrained) receives model.ckpt.*.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$here/target/demo-pretrain"
resource="$here/src/main/resources/demo/pretrained"
seed=1
num_train=1000
num_steps=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --num_train) num_train="$2"; shift 2 ;;
    --num_steps) num_steps="$2"; shift 2 ;;
    --output) resource="$2"; shift 2 ;;
    *) echo "usage: $0 [--work DIR] [--output DIR] [--seed N] [--num_train N] [--num_steps N]" >&2; exit 2 ;;
  esac
done
finetune="$here/scripts/finetune"
config="$here/configs/ssd_mobilenet_v1_demo_pretrain.config"
steps=()
[[ -n "$num_steps" ]] && steps=(--num_train_steps "$num_steps")

rm -rf "$work/pretrain"
mkdir -p "$work" "$resource"
resource="$(cd "$resource" && pwd)"
cd "$work"   # the config's paths (pretrain/...) are relative to it
echo "== 1. task A data: $num_train training and 50 evaluation images (seed $seed)"
"$finetune" make_demo_data --task pretrain --output pretrain/data --num_train "$num_train" --num_eval 50 --seed "$seed"
echo "== 2. training from scratch (log: $work/pretrain/train.log)"
"$finetune" --pipeline_config_path "$config" --model_dir pretrain/run --seed "$seed" \
  --checkpoint_every_n 500 --checkpoint_max_to_keep 2 "${steps[@]}" 2>&1 | tee pretrain/train.log
echo "== 3. evaluation on the 50 task A evaluation images"
"$finetune" --pipeline_config_path "$config" --model_dir pretrain/eval --checkpoint_dir pretrain/run \
  --run_once "${steps[@]}" 2>&1 | tee pretrain/eval.log | grep -E "mAP|AR@100" || true
echo "== 4. model variables only (an export's checkpoint) into $resource"
"$finetune" export --pipeline_config_path "$config" --trained_checkpoint_dir pretrain/run \
  --output_directory pretrain/exported --overwrite
mkdir -p "$resource"
for suffix in .index .data-00000-of-00001; do
  cp "pretrain/exported/checkpoint/ckpt-0$suffix" "$resource/model.ckpt$suffix"
done
"$finetune" inspect_checkpoint --file_name "$resource/model.ckpt" | tail -3
du -ch "$resource"/model.ckpt.* | tail -1
