#!/usr/bin/env bash
# SSD MobileNet V1 speed at 300x300: forward and training step at batch 8 (or $1), with a
# 2048x2048 MatMul measured in the same run as the machine's practical peak.
# Then the start-up phases of `finetune` on the pets config (scripts/bench_startup.sh, one round), so
# one run of this script prints the step ratio to peak, the miner's NMS share of the traced step and
# where the start-up time goes.
# Usage: scripts/bench_ssd.sh [BATCH] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -o test-compile >&2
java ${FINETUNE_JAVA_OPTS:-} -cp "$here/target/test-classes:$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.finetune.bench.SsdBenchmark "$@"
"$here/scripts/bench_startup.sh" 1 "${1:-8}"
