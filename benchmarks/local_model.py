"""A local model's server as a user meets it: seconds per brief, tokens per second, and what came back.

    python benchmarks/local_model.py --base-url http://127.0.0.1:8765/v1 --model smollm2 [--runs 3]

Start the server first (``make test-real`` builds ``.venv-real``; README, "Using a local
model", has the command). Each run briefs the same short article, written for this, in
two ways: the default (``--mode auto``, streamed, as a local server gets it) and tools mode
unstreamed (llama-cpp-python reports usage only then, which gives tokens per second).
Prints one line per run and the medians; the outcome is the brief's headline or the one
line the failure says.
"""

from __future__ import annotations

import argparse
import statistics
import time

ARTICLE = (
    "Kenyan Interior Minister Joseph Wafula met Ugandan Security Minister Grace Atim in Kampala on Thursday.\n\n"
    "\u201cWe have seized 40 tonnes of smuggled fuel at the border since January,\u201d Wafula said.\n\n"
    "Atim warned that armed cattle raiders in the Karamoja region remain the most serious threat to both countries."
)


def one(base_url: str, model: str, **options) -> tuple[float, str, int]:
    from summarizer import Summarizer
    from summarizer.errors import SummarizerError

    started = time.monotonic()
    with Summarizer(backend="openai", base_url=base_url, model=model, api_key="local", **options) as summarizer:
        try:
            brief = summarizer.summarize(ARTICLE)
            outcome, tokens = f"brief: {brief.headline[:60]!r}", brief.meta.usage.completion_tokens
            outcome += f", {len(brief.participants)} participants, {len(brief.figures)} figures"
        except SummarizerError as failed:
            outcome, tokens = f"failed: {str(failed)[:110]}", 0
    return time.monotonic() - started, outcome, tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ways = {"auto, streamed": {}, "tools, unstreamed": {"mode": "tools", "stream": False}}
    for name, options in ways.items():
        seconds, rates = [], []
        for run in range(args.runs):
            took, outcome, tokens = one(args.base_url, args.model, timeout=120, deadline=900, **options)
            seconds.append(took)
            if tokens:
                rates.append(tokens / took)
            print(f"{name:18} run {run + 1}: {took:6.1f} s  {tokens:5d} output tokens  {outcome}")
        rate = f", {statistics.median(rates):.1f} output tokens/s (whole call)" if rates else ""
        print(f"{name:18} median {statistics.median(seconds):.1f} s per brief{rate}")


if __name__ == "__main__":
    main()
