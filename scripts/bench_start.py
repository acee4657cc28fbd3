"""Measures start-up time and idle memory of tenin-desk against tenin-desk-baseline (see bench-start).

Start: wall time from spawning the process to the line it prints when its first screen is interactive
(the desk: its sign-in screen, over a desk with the demo data — since sign-in came in, the queue is
only shown to a signed-in user; the baseline: its empty page loaded).
Memory: proportional set size (PSS) summed over the process and its children (the WebKit web and
network processes), after 3 s idle. Runs are interleaved so both see the same machine conditions.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

release_dir, runs = sys.argv[1], int(sys.argv[2])
IDLE_SECONDS = 3


def descendants(pid):
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = open(f"/proc/{parent}/task/{parent}/children").read().split()
        except OSError:
            continue
        for child in map(int, children):
            found.append(child)
            frontier.append(child)
    return found


def pss_kib(pid):
    total = 0
    for p in descendants(pid):
        try:
            for line in open(f"/proc/{p}/smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def measure(binary, args, env):
    started = time.monotonic()
    proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, start_new_session=True, text=True)
    try:
        deadline = started + 60
        while True:
            line = proc.stdout.readline()
            if "ready_ms=" in line:
                ready = (time.monotonic() - started) * 1000
                break
            if not line or time.monotonic() > deadline:
                raise RuntimeError(f"{binary} never reported ready")
        time.sleep(IDLE_SECONDS)
        return ready, pss_kib(proc.pid)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def main():
    app = os.path.join(release_dir, "tenin-desk")
    baseline = os.path.join(release_dir, "examples", "tenin-desk-baseline")
    cli = os.path.join(release_dir, "tenin")
    work = tempfile.mkdtemp(prefix="tenin-bench-")
    data = os.path.join(work, "desk")
    login = dict(os.environ, TENIN_USER="bench", TENIN_PASSWORD="bench-password", TENIN_NEW_PASSWORD="bench-password")
    subprocess.run([cli, "--data-dir", data, "init", "--unencrypted", "--admin", "bench"], check=True, stdout=subprocess.DEVNULL, env=login)
    subprocess.run([cli, "--data-dir", data, "demo"], check=True, stdout=subprocess.DEVNULL, env=login)
    results = {"baseline": [], "desk": []}
    for i in range(runs + 1):
        for name, binary, args in (("baseline", baseline, []), ("desk", app, ["--data-dir", data])):
            home = os.path.join(work, f"{name}-{i}")
            env = dict(os.environ, TENIN_REPORT_READY="1",
                       XDG_DATA_HOME=os.path.join(home, "data"), XDG_CACHE_HOME=os.path.join(home, "cache"))
            sample = measure(binary, args, env)
            if i > 0:  # the first round warms the page cache for both
                results[name].append(sample)
    shutil.rmtree(work, ignore_errors=True)

    def median(name, index):
        return statistics.median(s[index] for s in results[name])

    start_b, start_d = median("baseline", 0), median("desk", 0)
    mem_b, mem_d = median("baseline", 1) / 1024, median("desk", 1) / 1024
    print(f"runs: {runs} of each (after one warm-up round), medians")
    print()
    print("| measure | baseline (empty page) | desk (sign-in, demo data) | ratio | target |")
    print("|---|---|---|---|---|")
    print(f"| cold start to interactive | {start_b:.0f} ms | {start_d:.0f} ms | {start_d / start_b:.2f}x | ≤ 1.15x |")
    print(f"| idle memory (PSS, all processes) | {mem_b:.1f} MiB | {mem_d:.1f} MiB | {mem_d / mem_b:.2f}x | ≤ 1.2x |")


main()
