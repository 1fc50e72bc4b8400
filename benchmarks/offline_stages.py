"""Where the offline backend's time goes: microseconds per ~1,000-word article, stage by stage.

    .venv/bin/python benchmarks/offline_stages.py [--rounds N] [--runs N]

Runs what the offline backend runs, in its order, on the articles of
``benchmarks/offline_speed.py`` (the examples and fixtures cut into ~1,000 words): the
guards (is it English; what is not content), the stages of
:func:`summarizer.offline.extract` one by one, then ``finish`` (grounding, checks and
metadata), and prints the median over
``--runs`` runs of each stage's mean time per article, with its share of the whole.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

logging.disable(logging.WARNING)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from offline_speed import thousand_word_articles  # noqa: E402


def stage_times(articles: list[str], rounds: int) -> dict[str, float]:
    """Mean seconds per article of each stage, in the order ``extract`` runs them."""
    from summarizer.backends.offline import offline_version
    from summarizer.config import UngroundedPolicy
    from summarizer.finish import Production, finish
    from summarizer.not_content import blank, not_content
    from summarizer.offline import stages
    from summarizer.offline.language import unreadable

    totals: dict[str, float] = {}
    for _ in range(rounds):
        for text in articles:
            t0 = time.perf_counter()
            unreadable(text)
            left_out = not_content(text)
            read = blank(text, left_out) if left_out else text
            guards = "guards (language, text left out)"
            totals[guards] = totals.get(guards, 0.0) + time.perf_counter() - t0
            for name, seconds in stages(read, clock=time.perf_counter).times.items():
                totals[name] = totals.get(name, 0.0) + seconds
            brief = stages(read).brief
            t0 = time.perf_counter()
            finish(brief, text, UngroundedPolicy.drop,
                   Production(backend="offline", version=offline_version(), read=read if left_out else None))
            totals["finish (grounding, meta)"] = totals.get("finish (grounding, meta)", 0.0) + time.perf_counter() - t0
    n = rounds * len(articles)
    return {name: seconds / n for name, seconds in totals.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the articles per run (default 5)")
    parser.add_argument("--runs", type=int, default=5, help="runs; the median of each stage is shown (default 5)")
    args = parser.parse_args(argv)
    articles = thousand_word_articles()
    stage_times(articles, 1)  # warm-up: compiled patterns, caches
    runs = [stage_times(articles, args.rounds) for _ in range(args.runs)]
    medians = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    total = sum(medians.values())
    print(f"{len(articles)} articles of ~1,000 words, {args.rounds} rounds x {args.runs} runs (median)")
    print(f"| stage | µs per article | share |\n|---|---|---|")
    for name, seconds in medians.items():
        print(f"| {name} | {seconds * 1e6:,.0f} | {seconds / total:.0%} |")
    print(f"| **total** | **{total * 1e6:,.0f}** | {1 / total:,.0f} articles/s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
