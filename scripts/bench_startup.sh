#!/usr/bin/env bash
# Issue 13's start-up number: from `finetune` on the command line to the end of the first training
# step, phase by phase, for the stock pets config (SSD MobileNet V1 1.0, 300x300, RMSProp) at batch
# 8 on a small synthetic dataset, fine-tuning from a detection checkpoint (a real restore). Each
# round is one `scripts/finetune ... --verbose --num_train_steps 2`; the script prints each phase's
# median over the rounds with its spread (min-max) and the median total (target <= 5 s).
# Usage: scripts/bench_startup.sh [ROUNDS=3] [BATCH=8]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
batch="${2:-8}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ft="$here/scripts/finetune"
"$ft" make_demo_data --output "$work/data" --num_train 32 --num_eval 4 --size 300 >/dev/null
sed -e "s#PATH_TO_BE_CONFIGURED/pet_train.record#$work/data/train.record#" \
    -e "s#PATH_TO_BE_CONFIGURED/pet_val.record#$work/data/eval.record#" \
    -e "s#PATH_TO_BE_CONFIGURED/pet_label_map.pbtxt#$work/data/label_map.pbtxt#" \
    "$here/src/test/resources/configs/ssd_mobilenet_v1_pets_tf1.config" > "$work/pets.config"
common=(--pipeline_config_path "$work/pets.config" --num_train_steps 2 --log_every_n 1
  --checkpoint_every_n 100000 --record_summaries=false --set "train_config.batch_size=$batch")
# A detection checkpoint to fine-tune from (also warms the caches: native libraries, page cache).
"$ft" "${common[@]}" --set 'train_config.fine_tune_checkpoint=""' --model_dir "$work/seed" >/dev/null 2>&1
rss=()
for r in $(seq "$rounds"); do
  # Peak RSS of the whole run (two steps, a checkpoint at the end), from GNU time when present.
  timer=(); [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -o "$work/rss$r" -f %M)
  "${timer[@]}" "$ft" "${common[@]}" --set "train_config.fine_tune_checkpoint=$work/seed/model.ckpt-2" \
    --model_dir "$work/run$r" --verbose 2> "$work/log$r" >/dev/null
  [[ -f "$work/rss$r" ]] && rss+=("$(tail -1 "$work/rss$r")")
done
[[ ${#rss[@]} -gt 0 ]] && echo "peak RSS (batch $batch, 300x300): $(printf '%s\n' "${rss[@]}" | sort -n | tail -1 | awk '{printf "%.2f GB", $1/1048576}') (target <= 2 GB)"
python3 - "$work" "$rounds" <<'PY'
import re, sys, statistics as st
work, rounds = sys.argv[1], int(sys.argv[2])
phases, cpus, order, totals, seconds = {}, {}, [], [], []
for r in range(1, rounds + 1):
    text = open(f"{work}/log{r}").read()
    for m in re.finditer(r"start-up phase (.+?)\s+(\d+\.\d+) s( \(cpu (\d+\.\d+) s\))?( \(beside the main thread\))?", text):
        name = m.group(1).strip() + (" [beside]" if m.group(5) else "")
        if name not in phases:
            phases[name], cpus[name] = [], []
            order.append(name)
        phases[name].append(float(m.group(2)))
        if m.group(4):
            cpus[name].append(float(m.group(4)))
    m = re.search(r"Command to first step: (\d+\.\d+) s", text)
    totals.append(float(m.group(1)))
    m = re.search(r"second step (\d+\.\d+) s", text)
    seconds.append(float(m.group(1)) if m else float("nan"))
print(f"start-up, SSD MobileNet V1 pets config 300x300, {rounds} rounds: median (min-max) wall seconds;"
      " process CPU seconds (all threads)")
for name in order:
    v, c = phases[name], cpus[name]
    cpu = f"cpu {st.median(c):6.2f}" if c else ""
    print(f"  {name:58s} {st.median(v):6.2f}  ({min(v):.2f}-{max(v):.2f})  {cpu}")
print(f"  {'command to first step (total)':58s} {st.median(totals):6.2f}  ({min(totals):.2f}-{max(totals):.2f})  target <= 5")
print(f"  {'second step (for comparison)':58s} {st.median(seconds):6.2f}  ({min(seconds):.2f}-{max(seconds):.2f})")
PY
