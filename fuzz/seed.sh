#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's own .tm files: the examples, the stdlib packs, the
# diagnostic fixtures (including earlier fuzz findings) and the rule fixtures, plus the fuzzer's
# fixed included file and rule pack. Run from the repository root or from fuzz/:
#   bash fuzz/seed.sh            # every target
#   bash fuzz/seed.sh parse      # one target
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse compile fmt)
fi
shopt -s globstar nullglob
seeds=(
  "$root"/examples/**/*.tm
  "$root"/stdlib/*.tm
  "$root"/tests/fixtures/**/*.tm
  "$root"/tests/rules/**/*.tm
  "$root"/fuzz/fixed/*.tm
  "$root"/fuzz/seeds/*.tm
)
for target in "${targets[@]}"; do
  dir="$root/fuzz/corpus/$target"
  mkdir -p "$dir"
  for seed in "${seeds[@]}"; do
    # Name each seed by its path so files with the same name in different folders all survive.
    name="${seed#"$root"/}"
    cp "$seed" "$dir/seed-${name//\//_}"
  done
  echo "$target: ${#seeds[@]} seeds in ${dir#"$root"/}"
done
