"""A whole `summarizer batch` job through the CLI, from start to exit, against a bare openai loop.

    python benchmarks/cli_job.py [--n 20] [--latency 0.25] [--concurrency 16] [--workers 0] [--runs 5]

Starts the benchmark server (a child process, ``--latency`` per reply), writes ``--n``
articles as JSONL, then times, ``--runs`` times each: (a) a bare openai.AsyncOpenAI loop
in a fresh interpreter (``--concurrency`` workers sending the same request; imports
included, as a user's script would pay them) and (b) ``summarizer batch IN -o OUT
--backend openai --no-cache`` as a subprocess. Reports each run, the medians, the fixed
cost of the CLI job (wall minus the ideal ``ceil(n / concurrency) x latency``) and the
ratio bare / CLI. Targets: fixed cost <= 1 s for 20 articles; ratio >= 0.9 for 2,000 at 50.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import common

BARE = textwrap.dedent("""
    import asyncio, json, sys
    sys.path.insert(0, {here!r})
    import common, openai

    async def main():
        texts = [json.loads(line)["text"] for line in open({source!r}, encoding="utf-8")]
        client = openai.AsyncOpenAI(base_url={url!r}, api_key=common.API_KEY, max_retries=0, timeout=60)
        items = iter(texts)

        async def worker():
            for text in items:
                await client.chat.completions.create(**common.bare_request(text))

        await asyncio.gather(*(worker() for _ in range({concurrency})))
        await client.close()

    asyncio.run(main())
""")


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=0, help="--workers for the CLI (0: its default, all cores)")
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    ideal = math.ceil(args.n / args.concurrency) * args.latency
    env = {**os.environ, "OPENAI_API_KEY": common.API_KEY}
    env.pop("OPENAI_BASE_URL", None)
    cli = str(Path(sys.executable).with_name("summarizer"))
    bare_walls, cli_walls = [], []
    with tempfile.TemporaryDirectory() as tmp, common.server("--latency", str(args.latency)) as srv:
        source = common.write_jsonl(Path(tmp) / "in.jsonl", args.n, args.words)
        script = BARE.format(here=str(common.HERE), source=str(source), url=srv.url, concurrency=args.concurrency)
        job = [cli, "batch", str(source), "-o", str(Path(tmp) / "out.jsonl"), "--backend", "openai",
               "--base-url", srv.url, "--model", common.MODEL, "--no-cache", "--force",
               "--concurrency", str(args.concurrency)]
        if args.workers:
            job += ["--workers", str(args.workers)]
        for run in range(args.runs):
            bare_walls.append(timed([sys.executable, "-c", script], env))
            cli_walls.append(timed(job, env))
            print(f"run {run + 1}: bare loop {bare_walls[-1]:.2f}s  CLI job {cli_walls[-1]:.2f}s  "
                  f"ratio {bare_walls[-1] / cli_walls[-1]:.3f}", flush=True)
        served = srv.stats()["ok"]
    bare, job_wall = statistics.median(bare_walls), statistics.median(cli_walls)
    ratios = sorted(b / c for b, c in zip(bare_walls, cli_walls))
    print(f"N={args.n} latency={args.latency}s concurrency={args.concurrency} workers={args.workers or 'default'}; "
          f"ideal {ideal:.2f}s; server answered {served} requests")
    print(f"median: bare loop {bare:.2f}s (fixed cost {bare - ideal:.2f}s), CLI job {job_wall:.2f}s "
          f"(fixed cost {job_wall - ideal:.2f}s); ratio bare/CLI median {statistics.median(ratios):.3f} "
          f"(runs {', '.join(f'{r:.3f}' for r in ratios)})")
    common.result(f"CLI batch job, {args.n} articles", f"{job_wall:.2f}s", f"{bare:.2f}s (bare loop)",
                  bare / job_wall, "fixed cost <= 1 s (20 articles); >= 0.9 x bare (2,000)",
                  job_wall - ideal <= 1.0 if args.n <= 100 else bare / job_wall >= 0.9)
    return 0


if __name__ == "__main__":
    sys.exit(main())
