#!/usr/bin/env bash
# SSD MobileNet V1 speed at 300x300: forward and training step at batch 8 (or $1), with a
# 2048x2048 MatMul measured in the same run as the machine's practical peak.
# Usage: scripts/bench_ssd.sh [BATCH] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -o test-compile >&2
exec java ${FINETUNE_JAVA_OPTS:-} -cp "$here/target/test-classes:$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.finetune.bench.SsdBenchmark "$@"
