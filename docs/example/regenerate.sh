#!/usr/bin/env bash
# Regenerates the bundled example's outputs shown in the README: bash docs/example/regenerate.sh
# "Today" is pinned so the committed report does not change with the calendar (acceptances in the
# example lapse on their `until` dates); tests/it/docs_example.rs checks these files are current.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cargo run --quiet --release -- build examples/ai-nutrition-pro.tm \
  --today 2026-11-23 --emit md,dot,svg,json,sarif -o docs/example
