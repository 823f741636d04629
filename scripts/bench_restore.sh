#!/usr/bin/env bash
# Restore benchmark: the 199-variable SSD MobileNet V1 pets model (built by the project's
# ModelBuilder from ../shared/fixtures/odapi_reference/pipeline_effective.config) restored from the
# API's init_ckpt with RestoreLoader (Java reader feeding Assign ops, and TensorFlow's RestoreV2 op),
# timed side by side with plain reads of the same data file. Target: restore <= 1.25x a plain read.
# Usage: scripts/bench_restore.sh [CHECKPOINT_PREFIX]   (default: the fixture's init_ckpt)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -o test-compile >&2
# shellcheck disable=SC2086
exec java ${FINETUNE_JAVA_OPTS:-} -cp "$here/target/test-classes:$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.finetune.bench.RestoreBenchmark "$@"
