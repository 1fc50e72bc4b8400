"""Run every batch benchmark with its defaults, then print a Markdown table of the results.

    python benchmarks/run_all.py [NAME ...]      (default: all; e.g. cpu_per_call rerun)

Each benchmark runs one after the other in its own process (they share the 2 cores, so
never in parallel); its output is shown as it comes, and its RESULT lines become rows of
``| benchmark | figure | reference | ratio | target | verdict |``. Takes about 10 minutes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["concurrency", "rate_limit", "cpu_per_call", "rerun", "memory"]


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or BENCHMARKS
    rows = []
    for name in names:
        print(f"## {name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(HERE / f"{name}.py")], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            print("   " + line, end="", flush=True)
            if line.startswith("RESULT "):
                rows.append(json.loads(line[len("RESULT "):]))
        if proc.wait() != 0:
            rows.append({"benchmark": name, "figure": f"failed (exit {proc.returncode})", "reference": "",
                         "ratio": None, "target": "", "verdict": "ERROR"})
        print(f"   ({time.perf_counter() - started:.0f}s)", flush=True)
    print("\n| benchmark | figure | reference | ratio | target | verdict |\n|---|---|---|---|---|---|")
    for row in rows:
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.3f}"
        print(f"| {row['benchmark']} | {row['figure']} | {row['reference']} | {ratio} | {row['target']} | {row['verdict']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
