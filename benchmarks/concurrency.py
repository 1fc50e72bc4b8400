"""Concurrency efficiency of a batch job against a bare openai.AsyncOpenAI loop.

    python benchmarks/concurrency.py [--n 2000] [--latency 0.25] [--concurrency 50] [--words 1000]

Efficiency = (N x latency / concurrency) / wall time, 1.0 being perfect. Both runs use
the same benchmark server (a child process): (a) BatchJob(...).run() with
BatchOptions(concurrency=C, cache=False), backend openai; (b) the reference, C workers
of one AsyncOpenAI client sending the same request (summarizer.prompts.messages(text)
and the same tools) with no parsing, validation or grounding. Target: batch >= 0.95 x bare.
"""

from __future__ import annotations

import argparse
import os
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import common


async def bare(url: str, texts: list[str], concurrency: int) -> float:
    import openai

    client = openai.AsyncOpenAI(base_url=url, api_key=common.API_KEY, max_retries=0, timeout=60)
    items = iter(texts)

    async def worker() -> None:
        for text in items:
            await client.chat.completions.create(**common.bare_request(text))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    await client.close()
    return wall


def batch(url: str, source: Path, out: Path, concurrency: int, workers: int) -> tuple[float, float, float, dict]:
    """(seconds in BatchJob(): scan and fingerprint, wall and CPU seconds in run(), the summary)."""
    from summarizer.batch.runner import BatchJob, BatchOptions

    started = time.perf_counter()
    job = BatchJob([str(source)], out, common.settings(url), BatchOptions(concurrency=concurrency, cache=False, workers=workers))
    setup, started, cpu = time.perf_counter() - started, time.perf_counter(), time.process_time()
    summary = asyncio.run(job.run())
    return setup, time.perf_counter() - started, time.process_time() - cpu, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes making briefs, this one included, as `summarizer batch` uses by default (all cores)")
    args = parser.parse_args(argv)
    ideal = args.n * args.latency / args.concurrency
    with tempfile.TemporaryDirectory() as tmp, common.server("--latency", str(args.latency)) as srv:
        source = common.write_jsonl(Path(tmp) / "in.jsonl", args.n, args.words)
        texts = [common.article(i, args.words) for i in range(args.n)]
        asyncio.run(bare(srv.url, texts[:args.concurrency], args.concurrency))  # warm-up: imports, connections
        srv.reset()
        cpu = time.process_time()
        bare_wall = asyncio.run(bare(srv.url, texts, args.concurrency))
        bare_cpu = time.process_time() - cpu
        bare_stats = srv.reset()
        setup, batch_wall, batch_cpu, summary = batch(srv.url, source, Path(tmp) / "out.jsonl", args.concurrency, args.workers)
        batch_stats = srv.stats()
    bare_eff, batch_eff = ideal / bare_wall, ideal / batch_wall
    ratio = batch_eff / bare_eff
    print(f"N={args.n} latency={args.latency}s concurrency={args.concurrency} words={args.words}; ideal wall {ideal:.2f}s")
    print(f"bare AsyncOpenAI: wall {bare_wall:.2f}s  efficiency {bare_eff:.3f}  "
          f"server 200s {bare_stats['ok']}  max in flight {bare_stats['max_in_flight']}  "
          f"client CPU {bare_cpu / bare_wall:.0%} of a core, {bare_cpu / args.n * 1000:.2f} ms/request")
    print(f"summarizer batch: wall {batch_wall:.2f}s  efficiency {batch_eff:.3f}  server 200s {batch_stats['ok']}  "
          f"max in flight {batch_stats['max_in_flight']}  ok {summary['ok']}  failed {summary['failed']}  "
          f"by {args.workers - 1} helper process(es) {summary['made_by_helper_processes']}  "
          f"client CPU {batch_cpu / batch_wall:.0%} of a core, {batch_cpu / args.n * 1000:.2f} ms/article "
          f"(run() only; BatchJob() scan + fingerprint before it: {setup:.2f}s)")
    ok = ratio >= 0.95 and summary["failed"] == 0
    print(f"ratio batch/bare {ratio:.3f} (target >= 0.95): {common.verdict(ok)}")
    common.result("concurrency efficiency (batch)", f"{batch_eff:.3f}", f"{bare_eff:.3f} (bare AsyncOpenAI)",
                  ratio, ">= 0.95 x bare", ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
