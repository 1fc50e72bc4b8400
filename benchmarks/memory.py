"""Peak memory of a batch job: 100,000 articles against 10,000 (the growth should be flat).

    python benchmarks/memory.py [--small 10000] [--large 100000] [--words 50] [--budget 420]
    python benchmarks/memory.py --backend offline [--small 10000] [--large 100000] [--budget 900]
    python benchmarks/memory.py --child N --url URL --input FILE     (one measured run)

Each size runs in a fresh child process: BatchJob(...).run() with the openai backend
against the benchmark server at zero latency, concurrency 50, cache off, on short
(~50-word) articles from a generated JSONL; the child reports its own
resource.getrusage(RUSAGE_SELF).ru_maxrss. Figure: peak(large) - peak(small), target
<= 20 MB. The small run's speed is used to estimate the large one; when that estimate
exceeds --budget seconds the large size is cut to fit and the sizes actually run are
reported, with the per-article slope.

``--backend offline`` runs the offline backend instead (no server, one process), on the
~1,000-word articles of ``offline_speed.py`` (the examples and fixtures), each line a new id.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common


def child(n: int, url: str | None, source: Path, concurrency: int) -> None:
    from summarizer.batch.runner import BatchJob, BatchOptions
    from summarizer.config import resolve_settings

    settings = common.settings(url) if url else resolve_settings(environ={}, backend="offline")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        job = BatchJob([str(source)], Path(tmp) / "out.jsonl", settings,
                       BatchOptions(concurrency=concurrency, cache=False))
        summary = asyncio.run(job.run())
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"n": n, "peak_mb": peak_kb / 1024, "wall": time.perf_counter() - started,
                      "ok": summary["ok"], "failed": summary["failed"]}))


def offline_jsonl(path: Path, count: int) -> Path:
    """``count`` batch lines cycling through the ~1,000-word articles of offline_speed.py."""
    from offline_speed import thousand_word_articles

    articles = thousand_word_articles()
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"id": f"a{i:06d}", "text": articles[i % len(articles)]}, ensure_ascii=False) + "\n")
    return path


def measure(n: int, url: str | None, folder: Path, words: int, concurrency: int) -> dict:
    path = folder / f"in-{n}.jsonl"
    source = common.write_jsonl(path, n, words) if url else offline_jsonl(path, n)
    out = subprocess.run([sys.executable, __file__, "--child", str(n), "--input", str(source),
                          "--concurrency", str(concurrency), *(["--url", url] if url else [])],
                         capture_output=True, text=True, check=True)
    source.unlink()
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--budget", type=float, default=420.0, help="seconds allowed for the large run")
    parser.add_argument("--backend", choices=["openai", "offline"], default="openai")
    parser.add_argument("--child", type=int)
    parser.add_argument("--url")
    parser.add_argument("--input", type=Path)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.url, args.input, args.concurrency)
        return 0
    offline = args.backend == "offline"
    with tempfile.TemporaryDirectory() as tmp, (contextlib.nullcontext() if offline else common.server()) as srv:
        url = None if offline else srv.url
        small = measure(args.small, url, Path(tmp), args.words, args.concurrency)
        print(f"{small['n']:>7,} articles: peak {small['peak_mb']:.1f} MB, wall {small['wall']:.1f}s, "
              f"ok {small['ok']}, failed {small['failed']}", flush=True)
        per_article = small["wall"] / small["n"]
        large_n = args.large
        if per_article * large_n > args.budget:
            large_n = max(args.small * 2, int(args.budget / per_article) // 1000 * 1000)
            print(f"{args.large:,} articles would take about {per_article * args.large:.0f}s here "
                  f"(> --budget {args.budget:.0f}s); running {large_n:,} instead", flush=True)
        large = measure(large_n, url, Path(tmp), args.words, args.concurrency)
        print(f"{large['n']:>7,} articles: peak {large['peak_mb']:.1f} MB, wall {large['wall']:.1f}s, "
              f"ok {large['ok']}, failed {large['failed']}")
    growth = large["peak_mb"] - small["peak_mb"]
    slope = growth * 1024 * 1024 / (large["n"] - small["n"])
    asked = slope * (args.large - args.small) / 2**20  # the growth at the sizes asked for
    ok = growth <= 20 and asked <= 20
    print(f"growth {growth:.1f} MB over {large['n'] - small['n']:,} more articles = {slope:.0f} bytes/article; "
          f"at that slope {args.large:,} - {args.small:,} is {asked:.1f} MB (target <= 20 MB): {common.verdict(ok)}")
    common.result(f"peak memory{', offline backend' if offline else ''}, {large['n']:,} - {small['n']:,} articles", f"{growth:.1f} MB ({slope:.0f} B/article)",
                  f"{small['peak_mb']:.1f} MB at {small['n']:,}", large["peak_mb"] / small["peak_mb"], "<= 20 MB", ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
