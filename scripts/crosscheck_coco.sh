#!/usr/bin/env bash
# Cross-checks finetune's pure-Java COCO and Pascal VOC metrics (dev.finetune.eval) against
# pycocotools and a numpy transcription of the Object Detection API's VOC code, on random cases.
# Creates the venv /work/venv (or $VENV) if absent; if another process is creating it, waits for it.
# Usage: scripts/crosscheck_coco.sh [--cases N] [--seed S]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${VENV:-/work/venv}"

if [[ ! -d "$venv" ]]; then
  echo "crosscheck_coco: creating $venv ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --retries 0 tensorflow-cpu==2.21.0 tensorboard pycocotools
else
  for _ in $(seq 1 120); do
    "$venv/bin/python" -c "import pycocotools.cocoeval" 2>/dev/null && break
    echo "crosscheck_coco: waiting for $venv to be ready ..." >&2
    sleep 10
  done
fi

(cd "$root" && mvn -q -B -DskipTests test-compile)
cp="$root/target/classes:$root/target/test-classes:$(cat "$root/target/classpath.txt")"
"$venv/bin/python" "$here/crosscheck_coco.py" --java-cp "$cp" "$@"
