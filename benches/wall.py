#!/usr/bin/env python3
"""Wall time of `tmc build` on one model under three conditions, with the cost of writing the
same bytes alone, as a Markdown table (docs/performance.md).

    python3 benches/wall.py MODEL [--runs 8] [--idle 5] [--tmc target/release/tmc] \
        [-- extra tmc build arguments, default: --emit md,dot,json,sarif]

The conditions differ only in what the kernel has at hand when the build writes its reports
(hundreds of megabytes at 10,000 elements), which on a VM can cost more than the compile:

  rebuild  into the same directory as the run before (the previous reports are still there,
           in the page cache, until the build replaces them at its end)
  fresh    into a new directory, after the previous run's directory is removed and `sync` has
           written everything back: a build in a clean checkout on a warm machine
  cold     like fresh, after IDLE seconds of sleep: on a VM whose host takes back the memory
           its guest has freed, the build then touches pages the host must fault in again

The runs of the conditions alternate, so a change in the machine's speed hits them alike.
`dd` rows write as many bytes as the build's largest outputs, in one stream and in two side
by side (the build writes its reports on both cores), after the same idle time as `cold`:
the floor no compiler can go under on this machine.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def spawn(argv):
    """Starts argv with its output discarded; its pid."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    return pid


def run(argv):
    """Runs argv with output discarded; (wall s, user s, system s, peak RSS MB, exit code)."""
    started = time.perf_counter()
    _, status, usage = os.wait4(spawn(argv), 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def run_side_by_side(argvs):
    """Runs the commands at once; (wall s of the slowest, summed user s, summed system s)."""
    started = time.perf_counter()
    pids = [spawn(argv) for argv in argvs]
    user = system = 0.0
    for pid in pids:
        _, _, usage = os.wait4(pid, 0)
        user += usage.ru_utime
        system += usage.ru_stime
    return time.perf_counter() - started, user, system


def row(label, samples, rss=True):
    walls = [s[0] for s in samples]
    users = [s[1] for s in samples]
    systems = [s[2] for s in samples]
    cells = [
        label,
        f"{statistics.median(walls):.3f}",
        f"{min(walls):.3f}",
        f"{statistics.median(users):.3f}",
        f"{statistics.median(systems):.3f}",
        f"{max(s[3] for s in samples):.0f}" if rss else "",
    ]
    return "| " + " | ".join(cells) + " |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--idle", type=float, default=5.0, help="seconds of sleep before a cold run")
    parser.add_argument("--tmc", default="target/release/tmc")
    parser.add_argument("--work", default=None, help="where to write (default: a temporary directory)")
    argv = sys.argv[1:]
    extra = ["--emit", "md,dot,json,sarif"]
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    args = parser.parse_args(argv)

    work = args.work or tempfile.mkdtemp(prefix="tmc-wall.")
    os.makedirs(work, exist_ok=True)
    build = lambda out: [args.tmc, "build", args.model, "-o", out, *extra]
    rebuild_dir = os.path.join(work, "rebuild")
    fresh_dir = os.path.join(work, "fresh")

    def fresh_start():
        shutil.rmtree(fresh_dir, ignore_errors=True)
        subprocess.run(["sync"], check=True)

    # One build first: the binary and the model in the page cache, and the output's size.
    first = run(build(rebuild_dir))
    if first[4] != 0:
        sys.exit(f"`{' '.join(build(rebuild_dir))}` failed (exit code {first[4]})")
    sizes = sorted(
        os.path.getsize(os.path.join(rebuild_dir, name)) for name in os.listdir(rebuild_dir)
    )
    total = sum(sizes)

    samples = {"rebuild": [], "fresh": [], "cold": []}
    for _ in range(args.runs):
        samples["rebuild"].append(run(build(rebuild_dir)))
        fresh_start()
        samples["fresh"].append(run(build(fresh_dir)))
        fresh_start()
        time.sleep(args.idle)
        samples["cold"].append(run(build(fresh_dir)))
    for label, taken in samples.items():
        failed = [s for s in taken if s[4] != 0]
        if failed:
            sys.exit(f"{len(failed)} {label} runs failed")

    # The floor: the same bytes written by `dd`, as one file and as two halves at once.
    megabytes = max(1, round(total / 2**20))
    floor_one, floor_two = [], []
    for _ in range(max(3, args.runs // 2)):
        for name in ("one", "a", "b"):
            path = os.path.join(work, f"dd-{name}")
            if os.path.exists(path):
                os.remove(path)
        subprocess.run(["sync"], check=True)
        time.sleep(args.idle)
        dd = lambda name, count: ["dd", "if=/dev/zero", f"of={os.path.join(work, 'dd-' + name)}", "bs=1M", f"count={count}"]
        wall, user, system, _, _ = run(dd("one", megabytes))
        floor_one.append((wall, user, system, 0))
        os.remove(os.path.join(work, "dd-one"))
        subprocess.run(["sync"], check=True)
        time.sleep(args.idle)
        wall, user, system = run_side_by_side([dd("a", megabytes // 2), dd("b", megabytes - megabytes // 2)])
        floor_two.append((wall, user, system, 0))

    cpu = open("/proc/cpuinfo").read()
    model_name = next((line.split(":", 1)[1].strip() for line in cpu.splitlines() if line.startswith("model name")), "?")
    print(f"machine: {os.cpu_count()} cores, {model_name}; load average {os.getloadavg()[0]:.2f} at the end")
    print(f"command: {' '.join(build('OUT'))}")
    print(f"outputs: {total / 1e6:.0f} MB in {len(sizes)} files; {args.runs} alternating runs per condition, cold after {args.idle:g} s idle")
    print()
    print("| condition | wall s, median | wall s, least | user s, median | system s, median | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, taken in samples.items():
        print(row(label, taken))
    print(row(f"`dd`, {megabytes} MB in one stream (cold)", floor_one, rss=False))
    print(row(f"`dd`, {megabytes} MB in two streams (cold)", floor_two, rss=False))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
