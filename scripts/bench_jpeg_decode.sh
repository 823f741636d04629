#!/usr/bin/env bash
# JPEG decode throughput, side by side in one run: ImageIO (before issue 10) vs TensorFlow's
# DecodeJpeg through ImageCodec's one shared session vs DecodeJpeg with an EagerSession per thread,
# on 1 thread and on all cores, with the process RSS after each (the ducky photos by default).
#
#   scripts/bench_jpeg_decode.sh [JPEG_FOLDER [SECONDS_PER_MEASUREMENT]]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -DskipTests test-compile >&2
# shellcheck disable=SC2086
exec java ${FINETUNE_JAVA_OPTS:-} -cp "target/test-classes:target/classes:$(cat target/classpath.txt)" \
  dev.finetune.data.example.JpegDecodeBenchmark "$@"
