"""Milliseconds per article of the offline backend (extraction and grounding).

    .venv/bin/python benchmarks/offline_speed.py [FILE ...]      (default: examples/*.txt)

Start-up (imports, regex compilation, lookup tables) is reported apart, then each file
is extracted ``--repeat`` times and the median and best times are printed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

_STARTUP = ("import time; t = time.perf_counter(); import summarizer.offline, summarizer.api; "
            "print((time.perf_counter() - t) * 1000)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args(argv)
    # start-up in a fresh interpreter: this one has already imported the package
    startup = float(subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, text=True,
                                   check=True).stdout)
    from summarizer import Summarizer

    extract = Summarizer(backend="offline").summarize

    files = args.files or sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.txt"))
    print(f"start-up (import, regexes, tables) {startup:.0f} ms")
    for path in files:
        text = path.read_text(encoding="utf-8")
        extract(text)  # warm-up
        runs = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            extract(text)
            runs.append((time.perf_counter() - t0) * 1000)
        print(f"{path.name:45} {len(text.split()):5} words  median {statistics.median(runs):6.2f} ms"
              f"  best {min(runs):6.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
