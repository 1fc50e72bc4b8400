"""Throughput of a whole offline batch job through the CLI, start to exit.

    python benchmarks/offline_batch.py [--n 2000] [--words 1000] [--runs 3] [--workers 0]
                                       [--baseline-pythonpath DIR]

Writes N generated articles of about WORDS words (common.article) as JSONL, then runs
``summarizer batch IN -o OUT --backend offline --no-cache`` RUNS times in a fresh
interpreter each (imports and helper start-up included, as a user pays them) and prints
each run's wall time and the median, in articles per second. With
``--baseline-pythonpath DIR`` (a copy of an earlier ``summarizer`` package in DIR), the
baseline's runs alternate with this tree's, so both see the same machine load, and the
ratio of the medians is the verdict (target: at least 0.9 of the baseline).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common

ROOT = Path(__file__).resolve().parents[1]


def run_once(source: Path, out: Path, pythonpath: str, workers: int) -> float:
    out.unlink(missing_ok=True)
    out.with_name(out.name + ".run.json").unlink(missing_ok=True)
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(out), "--backend", "offline",
               "--no-cache"] + (["--workers", str(workers)] if workers else [])
    env = {**os.environ, "PYTHONPATH": pythonpath}
    started = time.perf_counter()
    # run outside the checkout, so that PYTHONPATH, not the current folder, says which package runs
    subprocess.run(command, env=env, cwd=source.parent, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    lines = out.read_bytes().count(b"\n")
    if lines != int(source.stem.split("-")[-1]):
        raise SystemExit(f"{out}: {lines} lines, expected one per article")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="--workers of the batch (default: all cores)")
    parser.add_argument("--baseline-pythonpath", help="folder holding an earlier summarizer package to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = common.write_jsonl(Path(tmp) / f"in-{args.n}.jsonl", args.n, args.words)
        variants = {"this tree": str(ROOT)}
        if args.baseline_pythonpath:
            variants = {"baseline": args.baseline_pythonpath, **variants}
        walls: dict[str, list[float]] = {name: [] for name in variants}
        for number in range(1, args.runs + 1):
            for name, pythonpath in variants.items():
                wall = run_once(source, Path(tmp) / "out.jsonl", pythonpath, args.workers)
                walls[name].append(wall)
                print(f"{name}: run {number}: {wall:.2f} s, {args.n / wall:.1f} articles/s", flush=True)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    for name, median in medians.items():
        print(f"{name}: median {median:.2f} s, {args.n / median:.1f} articles/s over {args.runs} runs")
    if "baseline" in medians:
        ratio = medians["baseline"] / medians["this tree"]
        common.result("offline batch throughput (CLI, start to exit)", f"{args.n / medians['this tree']:.1f} articles/s",
                      f"{args.n / medians['baseline']:.1f} articles/s (baseline)", ratio, ">= 0.9 x baseline",
                      ratio >= 0.9)


if __name__ == "__main__":
    main()
