#!/usr/bin/env bash
# Crash-resume torture test of `finetune train` (issue 10's "done when").
#
# Trains a tiny SSD (96x96, batch 2, checkpoint every 3 steps, 60 steps) and kills it with
# SIGKILL at TORTURE_KILLS random moments (JVM start-up, graph build, restore, first step, training,
# and aimed at a save in progress), restarting after each. After every kill it checks that:
#   - the restart resumed from the checkpoint the state file named before it ("Resuming from
#     model.ckpt-N (step N)"), or trained from scratch when there was none;
#   - the state file only moves forward and every checkpoint it names is complete and readable
#     (`finetune inspect_checkpoint --all_tensors` exit 0, i.e. every tensor's CRC32C checks);
#   - no half-written checkpoint exists (an .index without its data or side file).
# Then it lets the run finish and compares it with an uninterrupted run with the same seed: the
# final checkpoint's files (cmp) and every tensor (inspect_checkpoint --all_tensors --all_values
# --json), the side file, and the losses of every step in metrics.jsonl (re-run steps included).
# SIGTERM and SIGINT stop one restart each: exit code 130 and a checkpoint at the step reached.
#
# Usage: scripts/torture_resume.sh            (prints PASS/FAIL; exit 0 only on PASS)
# Environment: TORTURE_SEED (random moments; printed, default random), TORTURE_KILLS (20),
#   TORTURE_STEPS (60), TORTURE_EVERY (3), TORTURE_DIR (work folder; default a new one in /tmp,
#   deleted on PASS unless TORTURE_KEEP=1), PYTHON (python3, for JSON comparisons).
set -uo pipefail
set -m # job control: background runs must not ignore SIGINT (non-interactive bash ignores it for them)

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FINETUNE="$here/finetune"
PY="${PYTHON:-python3}"
KILLS="${TORTURE_KILLS:-20}"
STEPS="${TORTURE_STEPS:-60}"
EVERY="${TORTURE_EVERY:-3}"
SEED="${TORTURE_SEED:-$(( (RANDOM << 15 | RANDOM) % 100000 ))}"
TRAIN_SEED=7
RANDOM=$SEED
work="${TORTURE_DIR:-$(mktemp -d /tmp/torture_resume.XXXXXX)}"
mkdir -p "$work"
started=$SECONDS

failures=()
fail() { failures+=("$*"); echo "  FAIL: $*"; }
say() { echo "$*"; }

# ---------------------------------------------------------------------------------------------
# Setup: data, config, build.
say "torture_resume: seed $SEED, $KILLS kills, $STEPS steps, checkpoint every $EVERY, work dir $work"
"$FINETUNE" --version >/dev/null || { echo "FAIL: cannot build/run finetune"; exit 1; }
"$FINETUNE" make_demo_data --output "$work/data" --num_train 16 --num_eval 4 --size 96 >/dev/null \
  || { echo "FAIL: make_demo_data failed"; exit 1; }
config="$work/pipeline.config"
cat >"$config" <<EOF
model { ssd {
  num_classes: 3
  freeze_batchnorm: false
  image_resizer { fixed_shape_resizer { height: 96 width: 96 } }
  feature_extractor {
    type: "ssd_mobilenet_v1" depth_multiplier: 0.25 min_depth: 8
    conv_hyperparams {
      regularizer { l2_regularizer { weight: 4e-05 } }
      initializer { truncated_normal_initializer { stddev: 0.03 } }
      activation: RELU_6
      batch_norm { decay: 0.9 center: true scale: true epsilon: 0.001 train: true }
    }
    override_base_feature_extractor_hyperparams: true
  }
  box_coder { faster_rcnn_box_coder { y_scale: 10 x_scale: 10 height_scale: 5 width_scale: 5 } }
  matcher { argmax_matcher { matched_threshold: 0.5 unmatched_threshold: 0.5 force_match_for_each_row: true } }
  similarity_calculator { iou_similarity {} }
  box_predictor { convolutional_box_predictor {
    conv_hyperparams {
      regularizer { l2_regularizer { weight: 4e-05 } }
      initializer { truncated_normal_initializer { stddev: 0.03 } }
      activation: RELU_6
      batch_norm { decay: 0.9 center: true scale: true epsilon: 0.001 train: true }
    }
    use_dropout: false kernel_size: 1 box_code_size: 4 } }
  anchor_generator { ssd_anchor_generator { num_layers: 6 min_scale: 0.2 max_scale: 0.95
    aspect_ratios: 1.0 aspect_ratios: 2.0 aspect_ratios: 0.5 } }
  post_processing {
    batch_non_max_suppression { score_threshold: 1e-8 iou_threshold: 0.6
                                max_detections_per_class: 10 max_total_detections: 10 }
    score_converter: SIGMOID }
  loss {
    localization_loss { weighted_smooth_l1 {} }
    classification_loss { weighted_sigmoid {} }
    hard_example_miner { num_hard_examples: 3000 iou_threshold: 0.99 loss_type: CLASSIFICATION
                         max_negatives_per_positive: 3 }
    classification_weight: 1.0 localization_weight: 1.0
  }
} }
train_config {
  batch_size: 2
  num_steps: $STEPS
  optimizer { momentum_optimizer {
    learning_rate { constant_learning_rate { learning_rate: 0.01 } }
    momentum_optimizer_value: 0.9 } use_moving_average: false }
  data_augmentation_options { random_horizontal_flip { } }
}
train_input_reader {
  tf_record_input_reader { input_path: "$work/data/train.record" }
  label_map_path: "$work/data/label_map.pbtxt"
}
eval_input_reader {
  tf_record_input_reader { input_path: "$work/data/eval.record" }
  label_map_path: "$work/data/label_map.pbtxt"
  shuffle: false num_epochs: 1
}
EOF

# ---------------------------------------------------------------------------------------------
# Helpers.
pid=""
# launch MODEL_DIR LOG: starts a training run in the background; sets $pid.
launch() {
  "$FINETUNE" --pipeline_config_path "$config" --model_dir "$1" --checkpoint_every_n "$EVERY" \
    --log_every_n 1 --seed "$TRAIN_SEED" --record_summaries=false --input_threads 2 >"$2" 2>&1 &
  pid=$!
}
alive() { kill -0 "$pid" 2>/dev/null; }
# wait_for_line LOG PATTERN TIMEOUT_S: 0 when PATTERN appears, 1 if the run exits or times out.
wait_for_line() {
  local deadline=$((SECONDS + $3))
  while ! grep -q -- "$2" "$1" 2>/dev/null; do
    alive || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}
# rand_s MAX: a random number of seconds in [0, MAX) with millisecond resolution.
rand_s() { awk -v r=$((RANDOM % 10000)) -v m="$1" 'BEGIN { printf "%.3f", r / 10000 * m }'; }
# The checkpoint the state file names as latest ("" when none), and all it names.
state_latest() {
  [[ -f "$1/checkpoint" ]] || return 0
  sed -n 's/^model_checkpoint_path: "\(.*\)"$/\1/p' "$1/checkpoint" | xargs -r -n1 basename
}
state_all() {
  [[ -f "$1/checkpoint" ]] || return 0
  sed -n 's/^\(all_\)\{0,1\}model_checkpoint_paths\{0,1\}: "\(.*\)"$/\2/p' "$1/checkpoint" \
    | xargs -r -n1 basename | sort -u
}
step_of() { [[ -n "$1" ]] && echo "${1##*-}" || echo 0; }
last_logged_step() { grep -o 'Step [0-9]* per-step' "$1" | tail -1 | awk '{print $2}'; }

# Checkpoints already read in full, keyed by the identity of their files (dev, inode, size, mtime):
# a checkpoint whose files are unchanged since it was read need not be re-read (each read is a JVM).
# These helpers set result variables instead of printing: $(...) would run them in a subshell and
# lose the failures they record.
declare -A verified=()
reads=0
# check_checkpoints MODEL_DIR: every checkpoint the state file names is complete and readable;
# no .index exists without its data and side files. Sets CK to a short summary.
check_checkpoints() {
  local md=$1 named=0 fresh=0 name sig idx pre
  if [[ -f "$md/checkpoint" && -z "$(state_latest "$md")" ]]; then
    fail "state file $md/checkpoint has no model_checkpoint_path: $(head -c 300 "$md/checkpoint")"
  fi
  for name in $(state_all "$md"); do
    named=$((named + 1))
    local p="$md/$name"
    if [[ ! -f "$p.index" || ! -f "$p.data-00000-of-00001" || ! -f "$p.trainer.json" ]]; then
      fail "state file names $name but its files are missing: $(cd "$md" && ls "$name".* 2>/dev/null | tr '\n' ' ')"
      continue
    fi
    sig=$(stat -c '%d:%i:%s:%Y' "$p.index" "$p.data-00000-of-00001" | tr '\n' ' ')
    [[ "${verified[$p]:-}" == "$sig" ]] && continue
    fresh=$((fresh + 1)); reads=$((reads + 1))
    # A short-lived JVM: the client compiler starts faster (the read itself is the same code).
    if FINETUNE_JAVA_OPTS="-XX:TieredStopAtLevel=1" "$FINETUNE" inspect_checkpoint --file_name "$p" --all_tensors >"$work/inspect.out" 2>&1; then
      verified[$p]=$sig
    else
      fail "inspect_checkpoint --file_name $p --all_tensors failed: $(tail -3 "$work/inspect.out")"
    fi
  done
  for idx in "$md"/model.ckpt-*.index; do
    [[ -e "$idx" ]] || continue
    pre=${idx%.index}
    if [[ ! -f "$pre.data-00000-of-00001" || ! -f "$pre.trainer.json" ]]; then
      half_written=$((half_written + 1))
      fail "half-written checkpoint: $(basename "$idx") without its data or side file"
    fi
  done
  CK="$named named by the state file, all readable ($fresh read now)"
}
half_written=0
# Left-overs of interrupted saves (staging folders, data files moved without their index yet) or
# deletions: allowed, as they are never taken for a checkpoint.
count_staging() { find "$1" -maxdepth 1 -name '.saving-*' 2>/dev/null | wc -l; }
count_orphans() {
  local d n=0
  for d in "$1"/model.ckpt-*.data-*; do
    [[ -e "$d" ]] || continue
    [[ -f "${d%.data-*}.index" ]] || n=$((n + 1))
  done
  echo $n
}
leftovers() { echo "left-overs: $(count_staging "$1") staging dirs, $(count_orphans "$1") data files without index"; }
# check_resume LOG EXPECTED_NAME: the run resumed from EXPECTED_NAME ("" = from scratch). Sets RESUMED.
resumes_checked=0
check_resume() {
  local line
  line=$(grep -o 'Resuming from [^ ]* (step [0-9]*)' "$1" | head -1)
  if [[ -z "$2" ]]; then
    if [[ -n "$line" ]]; then fail "expected training from scratch, log says: $line"; RESUMED="WRONG: $line"
    elif grep -q 'Training from scratch' "$1"; then resumes_checked=$((resumes_checked + 1)); RESUMED="from scratch (ok)"
    else RESUMED="killed before the resume decision"; fi
    return
  fi
  if [[ -z "$line" ]]; then
    if grep -q 'Training from scratch\|Fine-tuning from' "$1"; then
      fail "expected 'Resuming from $2', log: $(grep -m1 'Training from scratch\|Fine-tuning from' "$1")"
      RESUMED="WRONG"
    else
      RESUMED="killed before the resume decision"
    fi
    return
  fi
  if [[ "$line" == "Resuming from $2 (step $(step_of "$2"))" ]]; then
    resumes_checked=$((resumes_checked + 1)); RESUMED="$line (ok)"
  else
    fail "expected 'Resuming from $2 (step $(step_of "$2"))', log says '$line'"; RESUMED="WRONG: $line"
  fi
}
# Where a killed run was, from its log and from what it left in model_dir (a new staging folder or
# data file without index: the kill interrupted a save). Sets PHASE (coarse, for counting) and DETAIL.
phase_of() {
  local log=$1 md=$2 staging_before=$3 orphans_before=$4 s
  s=$(last_logged_step "$log")
  if (( $(count_staging "$md") > staging_before || $(count_orphans "$md") > orphans_before )); then
    PHASE="during a save"; DETAIL="during the save after step $s"
  elif grep -q 'Training steps' "$log"; then
    if [[ -z "$s" ]]; then PHASE="in the first step"; DETAIL=$PHASE
    else PHASE="training"; DETAIL="training, after step $s"; fi
  elif grep -q 'Batch norm:' "$log"; then PHASE="building gradients / restoring"; DETAIL=$PHASE
  elif grep -q 'Pipeline config' "$log"; then PHASE="building the model graph"; DETAIL=$PHASE
  else PHASE="JVM start-up"; DETAIL=$PHASE; fi
}

# compare_runs LABEL DIR: DIR finished like the uninterrupted run (final checkpoint, side file,
# every logged loss).
compare_runs() {
  local label=$1 md=$2 final="model.ckpt-$STEPS"
  if [[ ! -f "$md/$final.index" ]]; then fail "$label: no $final"; return; fi
  if [[ "$(state_latest "$md")" != "$final" ]]; then fail "$label: state file names $(state_latest "$md"), not $final"; fi
  local f same=1
  for f in data-00000-of-00001 index trainer.json; do
    if ! cmp -s "$work/base/$final.$f" "$md/$final.$f"; then
      fail "$label: $final.$f differs from the uninterrupted run's"; same=0
    fi
  done
  [[ $same == 1 ]] && say "  $label: $final data, index and side files byte-identical to the uninterrupted run's"
  "$FINETUNE" inspect_checkpoint --file_name "$md/$final" --all_tensors --all_values --json >"$work/$label.tensors.json" 2>"$work/$label.inspect.err" \
    || fail "$label: inspect_checkpoint --all_values of $final failed"
  "$PY" - "$work/base.tensors.json" "$work/$label.tensors.json" "$work/base/metrics.jsonl" "$md/metrics.jsonl" "$STEPS" <<'PYEOF' \
    || fail "$label: tensors or losses differ (see above)"
import json, sys
base, other = (json.load(open(p)) for p in sys.argv[1:3])
bt = {t["name"]: t for t in base["tensors"]}
ot = {t["name"]: t for t in other["tensors"]}
bad = 0
if bt.keys() != ot.keys():
    print("    tensor names differ:", sorted(bt.keys() ^ ot.keys())[:10]); bad += 1
diff = [n for n in bt.keys() & ot.keys() if bt[n] != ot[n]]
for n in diff[:5]:
    print("    tensor differs:", n)
bad += len(diff)
values = sum(len(t.get("values", [])) for t in bt.values())
print(f"    all {len(bt)} tensors ({values} values) {'equal' if not diff and bt.keys() == ot.keys() else 'NOT equal'}")

def losses(path):
    out = []
    for i, line in enumerate(open(path), 1):
        try:
            o = json.loads(line)
        except ValueError:
            print(f"    {path}:{i}: not JSON (a torn line?): {line[:80]!r}")
            out.append(None); continue
        out.append((o["step"], {k: v for k, v in o.items() if k.startswith("Loss/") or k == "learning_rate"}))
    return out
b = {s: l for s, l in (x for x in losses(sys.argv[3]) if x)}
o = losses(sys.argv[4])
torn = sum(1 for x in o if x is None)
o = [x for x in o if x]
mismatch = [(s, l, b.get(s)) for s, l in o if b.get(s) != l]
for s, l, e in mismatch[:5]:
    print(f"    step {s}: losses {l} != uninterrupted {e}")
steps = {s for s, _ in o}
missing = sorted(set(range(1, int(sys.argv[5]) + 1)) - steps)
print(f"    metrics.jsonl: {len(o)} lines ({len(o) - len(steps)} re-run steps), every loss equal to the uninterrupted run's: {not mismatch}; steps missing: {missing or 'none'}; torn lines: {torn}")
final = max(steps) if steps else None
if final is not None:
    last = [l for s, l in o if s == final][-1]
    print(f"    final step {final}: Loss/total_loss {last.get('Loss/total_loss')} (uninterrupted {b.get(final, {}).get('Loss/total_loss')})")
sys.exit(1 if bad or mismatch or missing or torn else 0)
PYEOF
}

# ---------------------------------------------------------------------------------------------
# 1. The uninterrupted run; also measures how long a run takes to start training and to finish
# its first step (the kill delays are drawn from these).
say ""
say "== uninterrupted run (seed $TRAIN_SEED)"
t0=$SECONDS
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
launch "$work/base" "$work/base.log"
ready=30; first=5
t_launch=$(now)
if wait_for_line "$work/base.log" 'Training steps' 300; then
  ready=$(elapsed "$t_launch"); t_ready=$(now)
  wait_for_line "$work/base.log" 'Step 1 per-step' 300 && first=$(elapsed "$t_ready")
fi
wait "$pid"; rc=$?
if [[ $rc != 0 || ! -f "$work/base/model.ckpt-$STEPS.index" ]]; then
  echo "FAIL: the uninterrupted run failed (exit $rc): $(tail -5 "$work/base.log")"; exit 1
fi
"$FINETUNE" inspect_checkpoint --file_name "$work/base/model.ckpt-$STEPS" --all_tensors --all_values --json >"$work/base.tensors.json" \
  || { echo "FAIL: cannot read the uninterrupted run's final checkpoint"; exit 1; }
say "  finished in $((SECONDS - t0)) s; training began $ready s after launch, the first step took $first s"

# ---------------------------------------------------------------------------------------------
# 2. SIGKILL at random moments, with a SIGTERM run after a third of the kills and a SIGINT run
# after two thirds (each must exit 130 with a checkpoint at the step reached).
say ""
say "== $KILLS x kill -9 at random moments (+ SIGTERM after kill $((KILLS / 3)), SIGINT after kill $((2 * KILLS / 3)))"
md="$work/torture"
declare -A phases=()
kills_done=0
signal_ok=0
staging_before=0; orphans_before=0
# signal_run SIG: a restart stopped by SIG a few steps after it resumed.
signal_run() {
  local sig=$1 before after reached saved ok=1 log="$work/sig$1.log" target rc
  before=$(state_latest "$md")
  target=$(( $(step_of "$before") + 2 + RANDOM % 5 ))
  launch "$md" "$log"
  wait_for_line "$log" "Step $target per-step" 300
  kill -"$sig" "$pid"
  wait "$pid"; rc=$?
  reached=$(last_logged_step "$log")
  after=$(state_latest "$md")
  check_resume "$log" "$before"
  saved=$(grep -o 'Saved checkpoint model.ckpt-[0-9]*' "$log" | tail -1)
  [[ $rc == 130 ]] || { fail "SIG$sig: exit code $rc, expected 130"; ok=0; }
  [[ "$after" == "model.ckpt-$reached" ]] || { fail "SIG$sig: reached step $reached but the state file names $after"; ok=0; }
  grep -q 'Stopped by a signal' "$log" || { fail "SIG$sig: no 'Stopped by a signal' line"; ok=0; }
  [[ $ok == 1 ]] && signal_ok=$((signal_ok + 1))
  check_checkpoints "$md"
  say "  SIG$sig sent once step $target was logged: exit $rc, last step $reached, last save '$saved', state ${before:-none} -> $after | $RESUMED | $CK"
  staging_before=$(count_staging "$md"); orphans_before=$(count_orphans "$md")
}
for ((i = 1; i <= KILLS; i++)); do
  before=$(state_latest "$md")
  start=$(step_of "$before")
  remaining=$((STEPS - start))
  # Modes: start-up (JVM, graph build, restore), in the first step, in training (at most 10 steps
  # after the resume, so the run cannot finish early), aimed at a save. Near the end (fewer than 20
  # steps left) only the first two, which make no progress.
  r=$((RANDOM % 20))
  if ((r < 7)); then mode=startup; elif ((r < 10)); then mode=first-step
  elif ((r < 17)); then mode=training; else mode=save; fi
  if ((remaining < 20)) && [[ $mode == training || $mode == save ]]; then
    ((r % 2 == 0)) && mode=startup || mode=first-step
  fi
  log="$work/run$i.log"
  launch "$md" "$log"
  case $mode in
    startup) d=$(rand_s "$ready"); sleep "$d"; what="${d}s after launch" ;;
    first-step)
      wait_for_line "$log" 'Training steps' 300
      d=$(rand_s "$first"); sleep "$d"; what="${d}s after training began" ;;
    training)
      target=$((start + 1 + RANDOM % 10))
      wait_for_line "$log" "Step $target per-step" 300
      d=$(rand_s 0.3); sleep "$d"; what="${d}s after step $target" ;;
    save)
      wait_for_line "$log" "Step $((start + 1)) per-step" 300
      deadline=$((SECONDS + 20))
      # A new staging folder (earlier kills may have left some).
      while alive && ((SECONDS < deadline)) && (( $(count_staging "$md") <= staging_before )); do sleep 0.002; done
      what="once a save's staging folder appeared" ;;
  esac
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null; rc=$?
  phase_of "$log" "$md" "$staging_before" "$orphans_before"
  if [[ $rc != 137 ]]; then
    if [[ $rc == 0 ]]; then say "  note: run $i finished (exit 0) before the kill"
    else fail "run $i exited by itself with code $rc before the kill: $(tail -3 "$log")"; fi
    PHASE="exited $rc before the kill"; DETAIL=$PHASE
  fi
  kills_done=$((kills_done + 1))
  phases[$PHASE]=$(( ${phases[$PHASE]:-0} + 1 ))
  check_resume "$log" "$before"
  after=$(state_latest "$md")
  if (( $(step_of "$after") < start )); then fail "state file went back from $before to $after"; fi
  check_checkpoints "$md"
  say "  kill $i/$KILLS [$mode, $what] $DETAIL | $RESUMED | state ${before:-none} -> ${after:-none} | $CK | $(leftovers "$md")"
  staging_before=$(count_staging "$md"); orphans_before=$(count_orphans "$md")
  ((i == KILLS / 3)) && signal_run TERM
  ((i == 2 * KILLS / 3)) && signal_run INT
done
kill_phases=$(for p in "${!phases[@]}"; do echo "${phases[$p]} $p"; done | sort -rn | paste -sd, | sed 's/,/, /g')

# 3. Restart and let it finish.
say ""
say "== final restart, to num_steps"
before=$(state_latest "$md")
launch "$md" "$work/final.log"
wait "$pid"; rc=$?
[[ $rc == 0 ]] || fail "the final run exited with $rc: $(tail -3 "$work/final.log")"
check_resume "$work/final.log" "$before"; check_checkpoints "$md"
say "  exit $rc; $RESUMED; $CK; $(leftovers "$md")"
compare_runs torture "$md"

# ---------------------------------------------------------------------------------------------
say ""
say "== summary ($((SECONDS - started)) s, seed $SEED)"
say "  kills: $kills_done (where: $kill_phases)"
say "  restarts whose resume line was checked against the state file: $resumes_checked"
say "  full checkpoint reads (inspect_checkpoint --all_tensors, each checkpoint re-read whenever its files changed): $reads, all exit 0: $([[ " ${failures[*]:-} " == *inspect_checkpoint* ]] && echo no || echo yes); half-written checkpoints: $half_written"
say "  signals: $signal_ok/2 exited 130 with a checkpoint at the step reached"
if ((${#failures[@]} == 0)); then
  say "PASS: $kills_done kills, $resumes_checked resumes from the right checkpoint, no unreadable or half-written checkpoint, SIGTERM+SIGINT exit 130 at a checkpoint, final checkpoint and losses identical to the uninterrupted run"
  [[ "${TORTURE_KEEP:-0}" == 1 || -n "${TORTURE_DIR:-}" ]] || rm -rf "$work"
  exit 0
fi
say "FAIL: ${#failures[@]} problem(s) (work dir kept: $work):"
printf '  - %s\n' "${failures[@]}"
exit 1
