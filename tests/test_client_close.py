"""``close()`` releases the async client's connections too, as the README's snippets use it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import loopback as lb
from test_llm_backend import REPLY

TESTS = Path(__file__).parent

SCRIPT = """
import asyncio, gc, sys
sys.path.insert(0, {tests!r})
from test_llm_backend import ARTICLE
from summarizer import Summarizer

summarizer = Summarizer(backend="openai", base_url={url!r}, model="m")

async def main():
    brief = await summarizer.asummarize(ARTICLE)
    assert brief.meta.attempts == 1
    {inside}

asyncio.run(main())
{after}
del summarizer
gc.collect()
print("done")
"""


@pytest.mark.parametrize("inside, after", [
    ("summarizer.close()", ""),          # the README's async snippet, closed inside the coroutine
    ("pass", "summarizer.close()"),      # closed once the loop has ended
    ("await summarizer.aclose()", ""),   # the documented async way
])
def test_close_leaves_no_unclosed_client_session(loopback, inside, after):
    loopback.default = lb.brief(REPLY)
    script = SCRIPT.format(tests=str(TESTS), url=loopback.url, inside=inside, after=after)
    result = subprocess.run([sys.executable, "-W", "always", "-c", textwrap.dedent(script)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == "done\n", result.stderr
    assert "Unclosed client session" not in result.stderr and "Unclosed connector" not in result.stderr
    assert len(loopback.requests) == 1
