"""Speed of the offline backend (extraction and grounding): ms per article and articles per second.

    .venv/bin/python benchmarks/offline_speed.py [FILE ...] [--repeat N] [--rounds N] [--runs N] [--workers N]

Start-up is measured in fresh interpreters (median of ``--runs``): the imports, then the
first brief (which compiles the scanner's cues), each on its own.
Each FILE (default: examples/*.txt) is summarized ``--repeat`` times; its median and best
times are printed. Then the throughput: the examples and the eval fixtures joined into
articles of about 1,000 words, summarized ``--rounds`` times in this process (one core),
``--runs`` times (each run's rate and their median are printed), then by a pool of ``--workers`` processes (default: every core; the pool is started and
warmed up before the clock starts), each against the target of 500 articles per second
per core.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# The fixtures written with text aimed at a model log a warning on every run: not a figure.
logging.disable(logging.WARNING)

ROOT = Path(__file__).resolve().parents[1]
TARGET_PER_CORE = 500  # articles of ~1,000 words per second on one core
ARTICLE_WORDS = 1000

_STARTUP = ("import time; t = time.perf_counter(); import summarizer.offline, summarizer.api; "
            "u = time.perf_counter(); summarizer.api.Summarizer(backend='offline').summarize("
            "'Officials said 3 drones fell near the border on Monday, the ministry said.'); "
            "print((u - t) * 1000, (time.perf_counter() - u) * 1000)")


def thousand_word_articles() -> list[str]:
    """The project's example and fixture articles, paragraph by paragraph, cut into ~1,000-word articles."""
    paths = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "evals" / "fixtures").glob("*.txt"))
    paragraphs = [p.strip() for path in paths for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    articles, current, words = [], [], 0
    for paragraph in paragraphs:
        current.append(paragraph)
        words += len(paragraph.split())
        if words >= ARTICLE_WORDS:
            articles.append("\n\n".join(current))
            current, words = [], 0
    return articles


_summarize = None


def _init_worker() -> None:
    global _summarize
    from summarizer import Summarizer

    _summarize = Summarizer(backend="offline").summarize


def _summarize_all(articles: list[str]) -> int:
    for article in articles:
        _summarize(article)
    return len(articles)


def _warm_up(_: int) -> None:
    time.sleep(0.05)  # long enough for every worker to get one


def one_core(articles: list[str], rounds: int) -> float:
    """Articles per second, summarized one after the other in this process."""
    from summarizer import Summarizer

    summarize = Summarizer(backend="offline").summarize
    for article in articles:
        summarize(article)  # warm-up
    started = time.perf_counter()
    for _ in range(rounds):
        for article in articles:
            summarize(article)
    return rounds * len(articles) / (time.perf_counter() - started)


def all_cores(articles: list[str], rounds: int, workers: int) -> float:
    """Articles per second over a pool of ``workers`` processes, pool start-up excluded."""
    work = articles * rounds
    chunks = [work[i::workers * 4] for i in range(workers * 4)]
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        list(pool.map(_warm_up, range(workers)))  # start every worker and import the package
        list(pool.map(_summarize_all, [articles[:1]] * workers))
        started = time.perf_counter()
        done = sum(pool.map(_summarize_all, chunks))
        elapsed = time.perf_counter() - started
    return done / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=50, help="runs per FILE (default 50)")
    parser.add_argument("--rounds", type=int, default=10, help="passes over the ~1,000-word articles (default 10)")
    parser.add_argument("--runs", type=int, default=5, help="one-core runs and start-ups; medians shown (default 5)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes (default: every core)")
    args = parser.parse_args(argv)
    # start-up in a fresh interpreter: this one has already imported the package
    starts = [tuple(map(float, subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, text=True,
                                              check=True).stdout.split())) for _ in range(args.runs)]
    imports, first = statistics.median(s[0] for s in starts), statistics.median(s[1] for s in starts)
    from summarizer import Summarizer

    extract = Summarizer(backend="offline").summarize

    files = args.files or sorted((ROOT / "examples").glob("*.txt"))
    print(f"start-up (median of {args.runs} fresh interpreters): imports {imports:.0f} ms, first brief {first:.0f} ms,"
          f" together {imports + first:.0f} ms")
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

    articles = thousand_word_articles()
    words = statistics.mean(len(a.split()) for a in articles)
    print(f"throughput on {len(articles)} articles of {words:.0f} words on average (examples and fixtures), "
          f"{args.rounds} rounds; target {TARGET_PER_CORE} articles/s per core")
    rates = [one_core(articles, args.rounds) for _ in range(args.runs)]
    single = statistics.median(rates)
    print(f"  one core        {single:7.1f} articles/s  ({1000 / single:5.2f} ms each)"
          f"  {single / TARGET_PER_CORE:5.2f} x target  (median of {args.runs}: "
          f"{', '.join(f'{r:.0f}' for r in sorted(rates))})")
    pooled = all_cores(articles, args.rounds, args.workers)
    print(f"  {args.workers} processes     {pooled:7.1f} articles/s  ({pooled / args.workers:7.1f} per process)"
          f"  {pooled / (TARGET_PER_CORE * args.workers):5.2f} x target for {args.workers} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
