"""Rate-limit use of a batch job against a server that enforces requests per second.

    python benchmarks/rate_limit.py [--n 600] [--rps-limit 20] [--latency 0.05] [--concurrency 50]

The benchmark server allows --rps-limit requests per 1-second window (429 with
retry-after-ms beyond) and reports x-ratelimit-* headers. Two batch runs of N articles
(cache off): one with BatchOptions(rpm=limit x 60), one without rpm, where the client
must learn the limit from the headers. Use = achieved 200s per minute / the limit in rpm
(the wall time from the first to the last request, as the server saw them).
Targets: use >= 0.90, 429s per request <= 0.01, no failed article.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import common


def run(srv: common.Server, source: Path, out: Path, rpm: float | None, concurrency: int) -> dict:
    from summarizer.batch.runner import BatchJob, BatchOptions

    job = BatchJob([str(source)], out, common.settings(srv.url),
                   BatchOptions(rpm=rpm, concurrency=concurrency, cache=False))
    srv.reset()
    started = time.perf_counter()
    summary = asyncio.run(job.run())
    wall = time.perf_counter() - started
    stats = srv.stats()
    return {"wall": wall, "summary": summary, "stats": stats}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--rps-limit", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args(argv)
    limit_rpm = args.rps_limit * 60
    print(f"server limit {args.rps_limit} requests/s ({limit_rpm} rpm), latency {args.latency}s; "
          f"{args.n} articles, concurrency {args.concurrency}")
    with tempfile.TemporaryDirectory() as tmp, \
            common.server("--latency", str(args.latency), "--rps-limit", str(args.rps_limit)) as srv:
        source = common.write_jsonl(Path(tmp) / "in.jsonl", args.n, args.words)
        for label, rpm in ((f"--rpm {limit_rpm}", limit_rpm), ("no --rpm (headers)", None)):
            r = run(srv, source, Path(tmp) / f"out-{rpm}.jsonl", rpm, args.concurrency)
            stats, summary = r["stats"], r["summary"]
            span = max(stats["last"] - stats["first"], 1e-9)
            use = stats["ok"] / span * 60 / limit_rpm
            per_request = stats["throttled"] / max(stats["requests"], 1)
            failed = summary["failed"]
            ok = use >= 0.90 and per_request <= 0.01 and failed == 0
            print(f"[{label}] wall {r['wall']:.1f}s, requests {stats['requests']}, 200s {stats['ok']}, "
                  f"429s {stats['throttled']}; achieved {stats['ok'] / span * 60:.0f} rpm = use {use:.3f}; "
                  f"429s/request {per_request:.4f}; failed {failed}; requests delayed by the client {summary['requests_delayed_by_rate_limits']}, "
                  f"throttled by server {summary['server_throttled']}: {common.verdict(ok)}")
            early = sum(1 for t in stats["throttled_at"] if t < 2.0)
            print(f"    429s in the first 2 s: {early}; after: {stats['throttled'] - early} "
                  f"(at s {stats['throttled_at'][:12]}{' ...' if stats['throttled'] > 12 else ''})")
            common.result(f"rate-limit use, {label}", f"{use:.3f} of limit; {per_request:.4f} 429s/req; {failed} failed",
                          f"{limit_rpm} rpm", use, ">= 0.90; <= 0.01; 0", ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
