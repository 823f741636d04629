#!/usr/bin/env bash
# Input pipeline throughput: 640x480 JPEG records (synthesized by make_demo_data's generator),
# decoded, augmented with the stock SSD options (random_horizontal_flip + ssd_random_crop) and
# resized to 300x300, in batches of 8, on 1 worker thread and on all cores, measured side by side in
# one run and compared with what a training step consumes (13.5 images/s for SSD MobileNetV1 300x300,
# batch 8, on a 2-core machine: docs/TENSORFLOW_JAVA_NOTES.md).
#
#   scripts/bench_input_pipeline.sh [IMAGES [SECONDS_PER_MEASUREMENT]]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -DskipTests test-compile >&2
# shellcheck disable=SC2086
exec java ${FINETUNE_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
  dev.finetune.data.pipeline.InputPipelineBenchmark "$@"
