#!/usr/bin/env bash
# Times SSD target assignment (Java, input side) for batch 8 at 300x300: prints ms per batch.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$here" && mvn -q -B -o test-compile)
exec java -cp "$here/target/test-classes:$here/target/classes:$(cat "$here/target/classpath.txt")" \
  dev.finetune.model.core.SsdCoreBenchmark
