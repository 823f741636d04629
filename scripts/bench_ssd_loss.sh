#!/usr/bin/env bash
# Times the SSD loss graph (with and without hard example mining, with gradients) and the
# post-processing graph for batch 8 at 300x300 (1917 anchors, 37 classes).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$here" && mvn -q -B -o test-compile)
exec java -cp "$here/target/test-classes:$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.finetune.model.core.SsdLossBenchmark
