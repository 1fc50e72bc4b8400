"""Client CPU per call: Summarizer(backend="openai").asummarize against a bare AsyncOpenAI call.

    python benchmarks/cpu_per_call.py [--calls 500] [--warmup 30] [--words 1000]

time.process_time() of this process (the server runs in a child, zero latency) over
``--calls`` sequential calls of (a) openai.AsyncOpenAI().chat.completions.create with
the request the summarizer sends (same messages and tools) and (b) asummarize with the
same ~1,000-word articles (parsing, validation, grounding included). Target: ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import common


async def measure(url: str, texts: list[str], warmup: int) -> tuple[float, float]:
    import openai
    from summarizer import Summarizer

    client = openai.AsyncOpenAI(base_url=url, api_key=common.API_KEY, max_retries=0)
    summarizer = Summarizer(backend="openai", base_url=url, api_key=common.API_KEY, model=common.MODEL)

    async def bare(text: str) -> None:
        await client.chat.completions.create(**common.bare_request(text))

    async def ours(text: str) -> None:
        brief = await summarizer.asummarize(text)
        assert brief.meta.grounding.not_found == 0 and brief.meta.attempts == 1

    results = []
    for call in (bare, ours):
        for text in texts[:warmup]:
            await call(text)
        started = time.process_time()
        for text in texts:
            await call(text)
        results.append((time.process_time() - started) / len(texts))
    await client.close()
    await summarizer.aclose()
    return results[0], results[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args(argv)
    texts = [common.article(i, args.words) for i in range(args.calls)]
    with common.server() as srv:
        bare, ours = asyncio.run(measure(srv.url, texts, args.warmup))
    ratio = ours / bare
    print(f"{args.calls} sequential calls, {args.words}-word articles, zero latency")
    print(f"bare AsyncOpenAI create:  {bare * 1000:.2f} ms CPU per call")
    print(f"Summarizer.asummarize:    {ours * 1000:.2f} ms CPU per call")
    print(f"ratio {ratio:.2f} (target <= 1.5): {common.verdict(ratio <= 1.5)}")
    common.result("client CPU per call (asummarize)", f"{ours * 1000:.2f} ms", f"{bare * 1000:.2f} ms (bare create)",
                  ratio, "<= 1.5 x bare", ratio <= 1.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
