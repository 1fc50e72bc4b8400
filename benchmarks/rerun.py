"""A re-run of a finished batch job with the cache on: API calls and byte-identical briefs.

    python benchmarks/rerun.py [--n 200] [--latency 0.05] [--concurrency 50]

Runs BatchJob(...).run() over N articles with the cache on (cache file in a temp dir),
then the same job again into a new output. Prints the API calls of the second run (the
server's request count; target 0) and whether every brief of the second output is
byte-identical to the first's (target: yes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

import common


def run(srv: common.Server, source: Path, out: Path, cache: Path, concurrency: int) -> tuple[dict, dict, float]:
    from summarizer.batch.runner import BatchJob, BatchOptions

    job = BatchJob([str(source)], out, common.settings(srv.url),
                   BatchOptions(concurrency=concurrency, cache=True, cache_path=cache))
    srv.reset()
    started = time.perf_counter()
    summary = asyncio.run(job.run())
    return summary, srv.stats(), time.perf_counter() - started


def briefs(path: Path) -> dict[str, bytes]:
    """Each id's brief as the bytes it has in the output line."""
    found = {}
    for line in path.read_bytes().split(b"\n"):
        if line:
            record = json.loads(line)
            found[record["id"]] = json.dumps(record.get("brief"), ensure_ascii=False, separators=(",", ":")).encode()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, common.server("--latency", str(args.latency)) as srv:
        folder = Path(tmp)
        source = common.write_jsonl(folder / "in.jsonl", args.n, args.words)
        cache = folder / "cache" / "briefs.sqlite"
        first, stats1, wall1 = run(srv, source, folder / "first.jsonl", cache, args.concurrency)
        second, stats2, wall2 = run(srv, source, folder / "second.jsonl", cache, args.concurrency)
        a, b = briefs(folder / "first.jsonl"), briefs(folder / "second.jsonl")
    identical = a == b and len(a) == args.n
    calls = stats2["requests"]
    print(f"first run:  {first['ok']} ok, {first['failed']} failed, {stats1['requests']} API calls, wall {wall1:.2f}s")
    print(f"second run: {second['ok']} ok, {second['from_cache']} from cache, {calls} API calls "
          f"(summary api_calls {second['api_calls']}), wall {wall2:.2f}s")
    print(f"briefs byte-identical: {identical} ({sum(a.get(k) == v for k, v in b.items())}/{args.n} ids)")
    ok = calls == 0 and identical
    print(f"target 0 calls and identical briefs: {common.verdict(ok)}")
    common.result("re-run with cache: API calls", f"{calls} calls; identical={identical}",
                  f"{stats1['requests']} calls (first run)", None, "0; identical", ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
