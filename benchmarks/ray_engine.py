"""One batch job on the Ray engine and on the local engine, through the CLI, on this machine.

    python benchmarks/ray_engine.py [--backend offline|openai] [--n 2000] [--words 1000] [--runs 3]
                                    [--latency 0.25] [--concurrency 50] [--workers 0] [--timeout 900]

Writes N generated articles of about WORDS words (common.article) as JSONL, then runs
``summarizer batch IN -o OUT --no-cache --force --backend BACKEND [--engine ray]`` in a
fresh interpreter each time (imports, a local Ray's start and its actors included, as a
user pays them), alternating local and ray runs RUNS times so that both see the same
machine load. ``--backend openai`` starts the benchmark server (server.py, a child
process on 127.0.0.1, ``--latency`` per reply) and runs both engines against it with
``--concurrency`` (OPENAI_BASE_URL and SUMMARIZER_MODEL in the environment); ``offline``
needs no server.

For every run, measured from outside the job: the wall time from start to exit; when the
first output line appeared and when the last did, by polling the output's line count
(the ledger writes each line whole as it arrives); the steady rate from the first line
to the last, the lines written after the first sighting over that time (it leaves out
the start: imports, and on Ray, starting Ray, its actors and its read task); the rate
over the middle half, from the first sighting of >= N/4 lines to that of >= 3N/4; and
the job's own ``wall_time_s`` from the summary JSON the CLI prints on stderr (the local
engine's counts from the job's start; the Ray engine's includes starting Ray, not the
imports). With a server, also when its first request came and the requests per second
it saw from its first to its last request. Medians per engine, and the ratios ray/local
of the medians.

The Ray engine writes its lines a whole block at a time (a block is 64 articles,
summarizer/ray/source.py's ROWS_PER_BLOCK, at least 4 blocks a maker), so its first line comes
only after a block is done, while other blocks are nearly done: first-to-last then
overstates its steady rate, by up to a block per maker. The middle half, between block
ends, overstates it less; with a server the server's request rate is the clean figure.

Target: the Ray engine's steady rate at least 0.9 x the local engine's (offline: the
middle half; with a server: the server's request rate), since on one machine Ray adds no
cores, so once running it should cost little. Start to exit is reported with its ratio
but has no target: Ray's fixed start (tens of seconds on 2 cores) weighs on any job this
size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

import common

ROOT = Path(__file__).resolve().parents[1]
POLL_S = 0.05
ENGINES = ("local", "ray")


class LineWatch:
    """The growing output file's line count, read incrementally (only new bytes each poll)."""

    def __init__(self, path: Path) -> None:
        self.path, self.lines, self.offset, self.handle = path, 0, 0, None
        self.inode: int | None = None

    def poll(self) -> int:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return self.lines
        if self.handle is None or stat.st_ino != self.inode or stat.st_size < self.offset:
            self.close()  # a new or emptied file: count from its start
            self.handle, self.inode, self.offset, self.lines = open(self.path, "rb"), stat.st_ino, 0, 0
        chunk = self.handle.read()
        self.offset += len(chunk)
        self.lines += chunk.count(b"\n")
        return self.lines

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def summary_of(stderr: str) -> dict[str, Any]:
    """The summary JSON object the CLI prints on stderr (after its progress lines)."""
    start = 0 if stderr.startswith("{") else stderr.find("\n{") + 1
    if start == 0 and not stderr.startswith("{"):
        return {}
    try:
        return json.JSONDecoder().raw_decode(stderr[start:])[0]
    except ValueError:
        return {}


def run_once(engine: str, source: Path, out: Path, n: int, args: argparse.Namespace, env: dict[str, str],
             srv: common.Server | None) -> dict[str, Any]:
    out.unlink(missing_ok=True)
    out.with_name(out.name + ".run.json").unlink(missing_ok=True)
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(out), "--no-cache", "--force",
               "--backend", args.backend]
    if args.backend == "openai":
        command += ["--concurrency", str(args.concurrency)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if engine == "ray":
        command += ["--engine", "ray"]
    if srv is not None:
        srv.reset()
    errors = (out.parent / f"{engine}.stderr").open("w+", encoding="utf-8")
    watch = LineWatch(out)
    seen: list[tuple[float, int]] = [(0.0, 0)]  # (seconds since start, lines) at each change
    epoch, started = time.time(), time.perf_counter()
    # its own session, so that a run past --timeout is stopped with every process it started (Ray's too);
    # run outside the checkout, so that PYTHONPATH, not the current folder, says which package runs
    proc = subprocess.Popen(command, env=env, cwd=source.parent, stdout=subprocess.DEVNULL, stderr=errors,
                            start_new_session=True)
    try:
        while proc.poll() is None:
            lines = watch.poll()
            if lines != seen[-1][1]:
                seen.append((time.perf_counter() - started, lines))
            if time.perf_counter() - started > args.timeout:
                raise SystemExit(f"{engine}: no exit after {args.timeout} s ({seen[-1][1]} lines); stopped it")
            time.sleep(POLL_S)
        wall = time.perf_counter() - started
        lines = watch.poll()
        if lines != seen[-1][1]:
            seen.append((wall, lines))
    finally:
        watch.close()
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    errors.seek(0)
    stderr = errors.read()
    errors.close()
    if proc.returncode != 0:
        raise SystemExit(f"{engine} run failed (exit {proc.returncode}): {stderr[-1500:]}")
    if lines != n:
        raise SystemExit(f"{engine}: {out} has {lines} lines, expected {n}")
    summary = summary_of(stderr)
    if summary.get("ok") != n:
        raise SystemExit(f"{engine}: the summary says ok={summary.get('ok')} failed={summary.get('failed')}, "
                         f"expected {n} briefs: {stderr[-1500:]}")
    first_t, first_lines = next((t, count) for t, count in seen if count > 0)
    last_t = next(t for t, count in seen if count == n)
    # the middle half: from the first sighting of >= n/4 lines to that of >= 3n/4 (block-sized steps on Ray)
    quarter_t, quarter = next((t, count) for t, count in seen if count >= n / 4)
    three_t, three = next((t, count) for t, count in seen if count >= 3 * n / 4)
    row: dict[str, Any] = {
        "engine": engine, "wall": wall, "rate": n / wall, "first_t": first_t, "first_lines": first_lines,
        "last_t": last_t, "steady": (n - first_lines) / max(last_t - first_t, 1e-9),
        # nan when one step crosses the whole middle half (a job of a few blocks on Ray)
        "middle": (three - quarter) / (three_t - quarter_t) if three_t > quarter_t else math.nan,
        "job_wall": summary.get("wall_time_s"), "job_rate": summary.get("articles_per_s"),
        "makers": summary.get("brief_makers"),
        "noise": [line for line in stderr.splitlines() if line.strip() and not line.startswith(("summarizer: ", " ", "{", "}"))],
    }
    if srv is not None:
        stats = srv.stats()
        span = max((stats["last"] or 0) - (stats["first"] or 0), 1e-9)
        row.update(requests=stats["requests"], server_rate=(stats["ok"] - 1) / span, in_flight=stats["max_in_flight"],
                   first_request=(stats["first"] or epoch) - epoch)
    return row


def median(values: Iterable[float]) -> float:
    """The median of the figures that are numbers (nan when none is)."""
    finite = [value for value in values if not math.isnan(value)]
    return statistics.median(finite) if finite else math.nan


def table(rows: list[dict[str, Any]], server: bool) -> Iterator[str]:
    head = ["run", "engine", "wall s", "articles/s", "first line s", "lines then", "first->last s", "steady art/s",
            "middle-half art/s", "job wall_time_s", "job articles/s"]
    if server:
        head += ["first request s", "server req/s", "max in flight"]
    yield "| " + " | ".join(head) + " |"
    yield "|" + "---|" * len(head)
    for r in rows:
        cells = [str(r["run"]), r["engine"], f"{r['wall']:.2f}", f"{r['rate']:.1f}", f"{r['first_t']:.2f}",
                 str(r["first_lines"]), f"{r['last_t'] - r['first_t']:.2f}", f"{r['steady']:.1f}",
                 f"{r['middle']:.1f}", f"{r['job_wall']:.2f}", f"{r['job_rate']:.1f}"]
        if server:
            cells += [f"{r['first_request']:.2f}", f"{r['server_rate']:.1f}", str(r["in_flight"])]
        yield "| " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("offline", "openai"), default="offline")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.25, help="the server's seconds per reply (openai)")
    parser.add_argument("--concurrency", type=int, default=50, help="--concurrency of both jobs (openai)")
    parser.add_argument("--workers", type=int, default=0,
                        help="--workers of both jobs (default: each engine's own: all cores; Ray: one maker per "
                             "CPU offline, two per CPU with a server)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is stopped as hung")
    args = parser.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("OPENAI_BASE_URL", "SUMMARIZER_MODEL", "SUMMARIZER_BACKEND"):
        env.pop(name, None)
    what = f"backend {args.backend}" + (f", server latency {args.latency} s, --concurrency {args.concurrency}"
                                        if args.backend == "openai" else "")
    print(f"{args.n} articles of ~{args.words} words, {what}, {args.runs} runs per engine, {os.cpu_count()} CPUs",
          flush=True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        srv = None
        if args.backend == "openai":
            srv = stack.enter_context(common.server("--latency", str(args.latency)))
            env.update(OPENAI_BASE_URL=srv.url, SUMMARIZER_MODEL=common.MODEL, OPENAI_API_KEY=common.API_KEY,
                       NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        source = common.write_jsonl(Path(tmp) / f"in-{args.n}.jsonl", args.n, args.words)
        for number in range(1, args.runs + 1):
            for engine in ENGINES:
                row = run_once(engine, source, Path(tmp) / "out.jsonl", args.n, args, env, srv)
                row["run"] = number
                rows.append(row)
                extra = (f", first request at {row['first_request']:.2f} s, server {row['server_rate']:.1f} req/s, "
                         f"max in flight {row['in_flight']}"
                         if srv is not None else "")
                print(f"{engine}: run {number}: {row['wall']:.2f} s = {row['rate']:.1f} articles/s; first line at "
                      f"{row['first_t']:.2f} s ({row['first_lines']} lines), last at {row['last_t']:.2f} s: steady "
                      f"{row['steady']:.1f} articles/s; job wall_time_s {row['job_wall']}, {row['job_rate']} "
                      f"articles/s, brief makers {row['makers']}{extra}", flush=True)
                for line in row["noise"][:5]:
                    print(f"    stderr: {line[:200]}", flush=True)
    print()
    for line in table(rows, srv is not None):
        print(line)
    keys = ["wall", "first_t", "steady", "middle", "job_wall"]
    if srv is not None:
        keys += ["first_request", "server_rate"]
    med = {engine: {key: median(r[key] for r in rows if r["engine"] == engine) for key in keys}
           for engine in ENGINES}
    for m in med.values():
        m["rate"] = args.n / m["wall"]
    ratio = {key: med["ray"][key] / med["local"][key] for key in [*keys, "rate"]}
    print(f"\nmedians over {args.runs} runs:\n")
    cols = [("wall s", "wall", ".2f"), ("articles/s", "rate", ".1f"), ("first line s", "first_t", ".2f"),
            ("steady art/s (first->last line)", "steady", ".1f"), ("middle-half art/s", "middle", ".1f"),
            ("job wall_time_s", "job_wall", ".2f")]
    if srv is not None:
        cols += [("first request s", "first_request", ".2f"), ("server req/s", "server_rate", ".1f")]
    print("| engine | " + " | ".join(title for title, _, _ in cols) + " |")
    print("|---|" + "---|" * len(cols))
    for engine in ENGINES:
        print(f"| {engine} | " + " | ".join(format(med[engine][key], spec) for _, key, spec in cols) + " |")
    print("| ray/local | " + " | ".join(f"{ratio[key]:.3f}" for _, key, _ in cols) + " |")
    print(f"\nray/local of the median articles/s, start to exit: {ratio['rate']:.3f} ({med['ray']['rate']:.2f} / "
          f"{med['local']['rate']:.2f}); first line to last: {ratio['steady']:.3f} ({med['ray']['steady']:.2f} / "
          f"{med['local']['steady']:.2f}); middle half: {ratio['middle']:.3f} ({med['ray']['middle']:.2f} / "
          f"{med['local']['middle']:.2f}); Ray's extra time before its first line: "
          f"{med['ray']['first_t'] - med['local']['first_t']:.2f} s")
    key, what, unit = (("server_rate", "the server's requests, first to last", "requests/s") if srv is not None
                       else ("middle", "the middle half of the lines", "articles/s"))
    common.result(f"ray engine steady throughput, {args.backend} (CLI, {what})", f"{med['ray'][key]:.1f} {unit}",
                  f"{med['local'][key]:.1f} {unit} (local)", ratio[key], ">= 0.9 x local", ratio[key] >= 0.9)
    return 0


if __name__ == "__main__":
    sys.exit(main())
