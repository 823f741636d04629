#!/usr/bin/env bash
# Cross-checks finetune export + infer against Python TensorFlow serving the same SavedModel
# (see crosscheck_saved_model.py). Needs a Python with TensorFlow 2.x:
#   PYTHON=/work/venv/bin/python scripts/crosscheck_saved_model.sh [--work_dir DIR] [--train_steps N]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"${PYTHON:-python3}" "$here/crosscheck_saved_model.py" "$@"
