#!/usr/bin/env bash
# tmc against OWASP pytm on the same synthetic architecture, on this machine, in one run.
#
#   bash benches/compare-pytm.sh                 # N = 10, 100, 1000
#   SIZES="10 100" RUNS=5 bash benches/compare-pytm.sh
#
# Installs pytm from PyPI into a virtualenv in a temporary directory, writes each model twice
# with benches/pytm_model.py (model.py for pytm, model.tm for tmc: the same elements,
# boundaries, flows and data; see that file for how pytm's quirks were met), then times
#   pytm:  python model.py --json out.json        (check, resolve, JSON: its whole pipeline)
#          python model.py --report report.md     (the same plus its Markdown report)
#   tmc:   tmc build model.tm --emit json -o out  (compile and write threats.json: like for
#          like with pytm --json; the default outputs would add Graphviz's run for dfd.svg)
# with a small timer (microsecond CPU times), RUNS times each (the least is kept), and prints a Markdown table.
# A run that takes longer than TIMEOUT (JSON) or REPORT_TIMEOUT (--report) seconds is stopped
# and reported as such; --report is only tried up to REPORT_MAX elements, as pytm 1.4.0's report
# grows much faster than linearly (two minutes at 10 elements here).
#
# Ratios are pytm / tmc, on CPU time (user + system, which the other users of a shared machine
# disturb less) and on wall time. The load average is printed with every measurement.
set -euo pipefail

SIZES=${SIZES:-"10 100 1000"}
RUNS=${RUNS:-3}
TIMEOUT=${TIMEOUT:-900}
REPORT_TIMEOUT=${REPORT_TIMEOUT:-600}
REPORT_MAX=${REPORT_MAX:-10}
PYTM_VERSION=${PYTM_VERSION:-1.4.0}
PYTHON=${PYTHON:-python3}

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/compare-pytm.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "load: $(uptime | sed 's/.*load average/load average/')"

echo "building tmc (release)..." >&2
(cd "$repo" && cargo build --release --quiet --bin tmc)
tmc="$repo/target/release/tmc"

echo "installing pytm $PYTM_VERSION into $work/venv..." >&2
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "pytm==$PYTM_VERSION"
echo "pytm: $("$work/venv/bin/pip" show pytm 2>/dev/null | awk '/^Version/ {print $2}'), $("$work/venv/bin/python" --version)"
echo "tmc: $("$tmc" --version)"

# A report template in pytm's own template language: the flows, then every finding.
cat > "$work/report-template.md" <<'TEMPLATE'
# {tm.name}

{tm.description}

## Dataflows

|Name|From|To|Data|Protocol|
|----|----|--|----|--------|
{dataflows:repeat:|{{item.name}}|{{item.source.name}}|{{item.sink.name}}|{{item.data}}|{{item.protocol}}|
}

## Potential threats

{findings:repeat:
### {{item.threat_id}}: {{item.description}}

Target: {{item.target}}. Severity: {{item.severity}}.

{{item.mitigations}}

References: {{item.references}}
}
TEMPLATE

# A timer with microsecond CPU times (/usr/bin/time rounds to 10 ms, more than tmc takes on
# small models): runs the command RUNS times, stops a run at LIMIT seconds, and prints the least
# wall time, the least CPU time (user + system of the command and its children) and the largest
# peak RSS (KB) of the runs, or "timeout" / "failed".
cat > "$work/measure.py" <<'PYTHON'
import os, resource, subprocess, sys, threading, time
limit, runs, command = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
best = None
for _ in range(runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open("stdout", "wb") as out, open("stderr", "wb") as err:
        # Peak RSS from /usr/bin/time: a forked Python child's own pages would count otherwise.
        process = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", "rss"] + command, stdout=out, stderr=err)
        # A blocking wait, with a timer for the limit: Popen.wait(timeout) polls with sleeps
        # that double up to 50 ms, which added up to a third to a 50 ms run's wall time.
        timer = threading.Timer(limit, process.kill)
        timer.start()
        _, status, _ = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        timed_out = not timer.is_alive()
        timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    if timed_out:
        print("timeout")
        sys.exit()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.stderr.write(open("stderr").read()[-2000:])
        print("failed")
        sys.exit()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = int(open("rss").read().split()[-1])
    best = (wall, cpu, rss) if best is None else (min(best[0], wall), min(best[1], cpu), max(best[2], rss))
print(f"{best[0]:.3f} {best[1]:.3f} {best[2]}")
PYTHON

# time_best LIMIT CMD...: sets best_wall, best_cpu (seconds), best_rss (KB) and load (the 1-minute
# load average before the runs); best_wall is "timeout" or "failed" when a run was.
time_best() {
  local limit=$1
  shift
  load=$(cut -d' ' -f1 /proc/loadavg)
  best_rss=0 best_cpu=""
  read -r best_wall best_cpu best_rss < <("$PYTHON" "$work/measure.py" "$limit" "$RUNS" "$@")
}

ratio() { # ratio A B: A / B, rounded, or "-" when either is not a number
  if [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]*[1-9][0-9.]*$ ]]; then
    "$PYTHON" -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.0f}x")' "$1" "$2"
  else
    echo "-"
  fi
}

rows=()
for n in $SIZES; do
  dir="$work/n$n"
  "$PYTHON" "$here/pytm_model.py" "$n" "$dir"
  cd "$dir"
  echo "N = $n..." >&2

  time_best "$TIMEOUT" "$tmc" build model.tm --emit json -o out --color never
  tmc_wall=$best_wall tmc_cpu=$best_cpu tmc_rss=$best_rss tmc_load=$load
  tmc_threats=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["threats"]))' out/threats.json 2>/dev/null || echo "?")

  time_best "$TIMEOUT" "$work/venv/bin/python" model.py --json out.json
  json_wall=$best_wall json_cpu=$best_cpu json_rss=$best_rss json_load=$load
  pytm_findings=$("$PYTHON" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' out.json 2>/dev/null || echo "?")

  report_wall="not run" report_cpu="" report_load=""
  if [ "$n" -le "$REPORT_MAX" ]; then
    saved_runs=$RUNS
    RUNS=1
    time_best "$REPORT_TIMEOUT" "$work/venv/bin/python" model.py --report "$work/report-template.md"
    RUNS=$saved_runs
    report_wall=$best_wall report_cpu=$best_cpu report_load=$load
  fi

  rows+=("| $n | $((2 * n)) | $tmc_threats | $pytm_findings | $tmc_wall / $tmc_cpu | $json_wall / $json_cpu | $report_wall${report_cpu:+ / $report_cpu} | $(ratio "$json_cpu" "$tmc_cpu") / $(ratio "$json_wall" "$tmc_wall") | $(ratio "$report_cpu" "$tmc_cpu") | $((${tmc_rss:-0} / 1024)) / $((${json_rss:-0} / 1024)) | $tmc_load, $json_load${report_load:+, $report_load} |")
  cd "$work"
done

echo
echo "Times in seconds, wall / CPU (user + system), the least of $RUNS runs (--report: one run)."
echo
echo "| N elements | flows | tmc threats | pytm findings | tmc build | pytm --json | pytm --report | pytm --json / tmc (CPU / wall) | pytm --report / tmc (CPU) | peak RSS MB tmc / pytm --json | load (1 min) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
