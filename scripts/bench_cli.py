"""Times the `tenin` command on a desk (see bench-cli): each everyday command against a command that
only signs in (`users list`), interleaved, medians of RUNS. What a command adds is its time less the
sign-in's (argon2 and, on an encrypted desk, SQLCipher's key derivation are deliberate costs)."""

import os
import sqlite3
import statistics
import subprocess
import sys
import time

tenin, data_dir, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
env = {**os.environ, "TENIN_USER": "bench", "TENIN_PASSWORD": "bench-password-1"}
db = sqlite3.connect(os.path.join(data_dir, "tenin.db"))
ref = db.execute(
    "SELECT ref_no FROM transfer_requests WHERE status = 'coordinating' ORDER BY registered_at DESC LIMIT 1"
).fetchone()[0]
db.close()

COMMANDS = [
    ("sign-in only (`users list`)", ["users", "list"]),
    ("`requests list` (open)", ["requests", "list"]),
    ("`requests show` (one request)", ["requests", "show", ref]),
    ("`match` (one request: the best 20 of every hospital)", ["match", ref]),
    ("`report monthly`, ten years", ["report", "monthly", "--from", "2016-01", "--to", "2025-12"]),
    ("`report daily` (HTML)", ["report", "daily"]),
    ("`requests list --all` (every request, streamed)", ["requests", "list", "--all"]),
]
NO_TARGET = {"`requests list --all` (every request, streamed)"}


def once(args):
    started = time.monotonic()
    subprocess.run([tenin, "--data-dir", data_dir, *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.monotonic() - started) * 1000


for _, args in COMMANDS:
    once(args)
times = {name: [] for name, _ in COMMANDS}
for _ in range(runs):
    for name, args in COMMANDS:
        times[name].append(once(args))
medians = {name: statistics.median(ts) for name, ts in times.items()}
base = medians[COMMANDS[0][0]]
print(f"\n| command (median of {runs}) | time | beyond sign-in | target |")
print("|---|---|---|---|")
for name, _ in COMMANDS:
    if name == COMMANDS[0][0]:
        print(f"| {name} | {base:.0f} ms | — | (baseline) |")
        continue
    beyond = medians[name] - base
    if name in NO_TARGET:
        print(f"| {name} | {medians[name]:.0f} ms | {beyond:.0f} ms | (no target) |")
        continue
    print(f"| {name} | {medians[name]:.0f} ms | {beyond:.0f} ms | ≤ 50 ms — {'met' if beyond <= 50 else 'NOT met'} |")
