#!/usr/bin/env bash
# Writes one of every document the X12 codec produces (837P/837I, 999 accepted/rejected, TA1 accepted/rejected,
# 277CA accepted/rejected/mixed/institutional, 835 with PLB / by check / denied) and runs the
# independent validator (pyx12, via shared/tools/x12-validate) over them.
# Usage: crates/accord-x12/scripts/validate-written.sh [OUT_DIR]   (exit 1 if any file is invalid)
set -euo pipefail
crate_dir=$(cd "$(dirname "$0")/.." && pwd)
repo_dir=$(cd "$crate_dir/../.." && pwd)
validator=${X12_VALIDATE:-$repo_dir/../shared/tools/x12-validate}
out=${1:-$(mktemp -d)}
mkdir -p "$out"
cd "$repo_dir"
ACCORD_X12_OUT_DIR="$out" cargo test -q -p accord-x12 --test written golden_documents >/dev/null
shopt -s nullglob
files=("$out"/*.x12)
if (( ${#files[@]} < 13 )); then
  echo "validate-written: expected 13 documents in $out, found ${#files[@]}" >&2
  exit 1
fi
"$validator" "${files[@]}"
