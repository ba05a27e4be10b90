#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's own .tm files: the examples, the stdlib packs, the
# diagnostic fixtures (including earlier fuzz findings) and the rule fixtures, plus the fuzzer's
# fixed included file and rule pack. Run from the repository root or from fuzz/:
#   bash fuzz/seed.sh            # every target
#   bash fuzz/seed.sh parse      # one target
# The template target is seeded from the embedded templates instead, each behind the byte that
# chooses which template it replaces (see fuzz_targets/template.rs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(parse compile fmt template)
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
  if [ "$target" = template ]; then
    choice=0
    for name in threat-model.md threat-table.md dfd.dot threat-model.html; do
      # The choice byte as an octal escape: printf's \x is not in POSIX.
      { printf "\\$(printf '%03o' "$choice")"; cat "$root/src/report/templates/$name.tera"; } \
        >"$dir/seed-$name.tera"
      choice=$((choice + 1))
    done
    echo "$target: 4 seeds in ${dir#"$root"/}"
    continue
  fi
  for seed in "${seeds[@]}"; do
    # Name each seed by its path so files with the same name in different folders all survive.
    name="${seed#"$root"/}"
    cp "$seed" "$dir/seed-${name//\//_}"
  done
  echo "$target: ${#seeds[@]} seeds in ${dir#"$root"/}"
done
