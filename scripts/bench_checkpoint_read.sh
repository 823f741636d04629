#!/usr/bin/env bash
# Checkpoint reader benchmark: writes a ~200 MB, 1,000-tensor checkpoint through TensorFlow, then
# reads it with CheckpointReader and with a plain sequential file read in the same run, and prints
# both throughputs, their ratio, and the time to list the index.
# Usage: scripts/bench_checkpoint_read.sh [WORK_DIR]   (default /tmp/finetune-bench-ckpt; ~200 MB)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/finetune-bench-ckpt}"
(cd "$here" && mvn -q -B -o test-compile >&2)
cp="$here/target/test-classes:$here/target/classes:$(cat "$here/target/classpath.txt")"
# shellcheck disable=SC2086
java ${FINETUNE_JAVA_OPTS:--Xmx2g} -cp "$cp" dev.finetune.checkpoint.CheckpointReadBenchmark "$work"
rm -rf "$work"
