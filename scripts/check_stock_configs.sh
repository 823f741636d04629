#!/usr/bin/env bash
# Checks that pipeline configs parse against our schema (src/main/proto) as
# object_detection.protos.TrainEvalPipelineConfig, using protoc itself, i.e. the
# same text-format parser family as the Object Detection API's Python code.
#
#   scripts/check_stock_configs.sh [--deprecated] DIR_OR_FILE...
#
# Every *.config (and *.config.txt) in each DIR is checked; files may be named
# directly. Prints each failure as file:line:column: message, then the summary
# line "N passed, M failed". With --deprecated, also lists every use of a field
# marked [deprecated = true] as file:line:column: field. Exit status 1 if any
# file failed, 2 on usage errors.
#
# protoc comes from the local Maven repository (the version the pom pins);
# when it is missing, the project is built once so Maven fetches it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

show_deprecated=false
if [[ "${1:-}" == "--deprecated" ]]; then
  show_deprecated=true
  shift
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 [--deprecated] DIR_OR_FILE..." >&2
  exit 2
fi

version="$(sed -n 's:.*<protobuf.version>\(.*\)</protobuf.version>.*:\1:p' "$here/pom.xml" | head -1)"
find_protoc() {
  find "$HOME/.m2/repository/com/google/protobuf/protoc/$version" -name "protoc-$version-*.exe" \
    2>/dev/null | head -1
}
protoc_jar_path="$(find_protoc)"
if [[ -z "$protoc_jar_path" ]]; then
  echo "check_stock_configs: protoc $version not in ~/.m2; building once to fetch it ..." >&2
  (cd "$here" && mvn -q -B compile >&2)
  protoc_jar_path="$(find_protoc)"
  [[ -n "$protoc_jar_path" ]] || { echo "check_stock_configs: protoc $version still missing" >&2; exit 2; }
fi
# The artifact in ~/.m2 is not executable; run a private executable copy.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$protoc_jar_path" "$work/protoc"
chmod +x "$work/protoc"

files=()
for arg in "$@"; do
  if [[ -d "$arg" ]]; then
    while IFS= read -r f; do files+=("$f"); done \
      < <(find "$arg" -maxdepth 1 -type f \( -name '*.config' -o -name '*.config.txt' \) | sort)
  elif [[ -f "$arg" ]]; then
    files+=("$arg")
  else
    echo "check_stock_configs: no such file or directory: $arg" >&2
    exit 2
  fi
done

passed=0
failed=0
for f in "${files[@]}"; do
  # protoc reports errors and deprecation warnings as "input:LINE:COL: ..." on stderr.
  if "$work/protoc" -I "$here/src/main/proto" \
      --encode=object_detection.protos.TrainEvalPipelineConfig \
      object_detection/protos/pipeline.proto < "$f" > /dev/null 2> "$work/err"; then
    passed=$((passed + 1))
    if $show_deprecated; then
      sed -n 's/^input:\([0-9]*:[0-9]*\): warning: text format contains deprecated field "\(.*\)"$/\1: \2/p' \
        "$work/err" | sed "s|^|$f:|"
    fi
  else
    failed=$((failed + 1))
    grep -v 'warning: text format contains deprecated field' "$work/err" | sed "s|^input:|$f:|"
  fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
