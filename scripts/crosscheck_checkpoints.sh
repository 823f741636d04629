#!/usr/bin/env bash
# Cross-checks the Java checkpoint reader against Python TensorFlow (see crosscheck_checkpoints.py).
# Needs a Python with TensorFlow: PYTHON=/path/to/venv/bin/python scripts/crosscheck_checkpoints.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"${PYTHON:-python3}" "$here/crosscheck_checkpoints.py" "$@"
