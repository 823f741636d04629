#!/usr/bin/env bash
# Cross-checks what `finetune train` writes (checkpoints, event files) against Python TensorFlow and
# TensorBoard (see crosscheck_training.py). Needs a Python with tensorflow and tensorboard:
#   PYTHON=/work/venv/bin/python scripts/crosscheck_training.sh [--serve] [--work DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
py="${PYTHON:-python3}"
[[ -z "${PYTHON:-}" && -x /work/venv/bin/python ]] && py=/work/venv/bin/python
exec "$py" "$here/crosscheck_training.py" "$@"
