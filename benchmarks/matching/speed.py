"""How fast ``ura match`` is on a generated population, and how much memory it takes.

    .venv/bin/python -m benchmarks.matching.speed [--records 100000 1000000] \\
        [--workers 2] [--work var/matching]

For each size, generates the synthetic population (``synthetic.generate``, seed
11, a fifth of the people registered more than once) as an ``ura match`` input
file, then runs the real command in a subprocess and reports:

* wall seconds and records per second (wall);
* CPU seconds (user + system of the command and its worker processes, from
  ``os.wait4``), which do not depend on what else the machine is doing;
* peak memory: ``ru_maxrss`` from ``os.wait4`` (the largest single process), and
  the peak of the summed RSS of the whole process tree sampled every 0.2 s
  (which counts pages the forked workers share with their parent twice, so it
  is an upper bound);
* the 1-minute load average before and after, because a busy machine stretches
  the wall time.

Generation time is not counted.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.matching.synthetic import generate, write  # noqa: E402


@dataclass
class Timing:
    records: int
    workers: int
    wall: float
    cpu: float
    max_rss_mb: float
    tree_rss_mb: float
    comparisons: int
    pairs: int
    load_before: float
    load_after: float


def _tree_rss_kb(root: int) -> int:
    """Summed VmRSS of ``root`` and its descendants, from /proc."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
        pending.extend(int(child) for child in children)
    return total


def run(people: Path, workers: int, work: Path) -> Timing:
    out = work / f"{people.stem}-pairs.csv"
    command = [str(ROOT / ".venv/bin/ura"), "match", str(people), "--out", str(out)]
    command += ["--workers", str(workers)]
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert process.stdout is not None
    summary = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"ura match failed ({process.returncode}): {summary}")
    numbers = re.search(r"(\d+) pairs compared, (\d+) pairs written", summary)
    assert numbers, summary
    return Timing(
        records=sum(1 for _ in people.open(encoding="utf-8")) - 1,
        workers=workers,
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
        tree_rss_mb=peak / 1024,
        comparisons=int(numbers.group(1)),
        pairs=int(numbers.group(2)),
        load_before=load_before,
        load_after=os.getloadavg()[0],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[2])
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "matching")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("URA_ENV", "development")
    print(f"# {os.cpu_count()} CPUs; Python {sys.version.split()[0]}", flush=True)
    print(
        "| records | workers | wall s | records/s | CPU s | peak RSS MB (largest "
        "process) | peak RSS MB (process tree) | comparisons | pairs | load before "
        "/ after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|", flush=True)
    for records in args.records:
        people = args.work / f"speed-{records}.csv"
        if not people.exists():
            write(
                generate(records, seed=11),
                people,
                args.work / f"speed-{records}-truth.csv",
            )
        for workers in args.workers:
            t = run(people, workers, args.work)
            print(
                f"| {t.records:,} | {t.workers} | {t.wall:.1f} | "
                f"{t.records / t.wall:,.0f} | {t.cpu:.1f} | {t.max_rss_mb:,.0f} | "
                f"{t.tree_rss_mb:,.0f} | {t.comparisons:,} | {t.pairs:,} | "
                f"{t.load_before:.1f} / {t.load_after:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
