"""Optional live check against a real OpenAI-compatible server; off unless configured.

    SUMMARIZER_LIVE_BASE_URL=http://localhost:8000/v1 SUMMARIZER_LIVE_MODEL=... \
    SUMMARIZER_LIVE_API_KEY=... .venv/bin/python -m pytest -m live
"""

from __future__ import annotations

import os

import pytest

from summarizer import Summarizer

LIVE_URL = os.environ.get("SUMMARIZER_LIVE_BASE_URL")
pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not LIVE_URL, reason="set SUMMARIZER_LIVE_BASE_URL to run live tests"),
]


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_live_server_briefs_the_seed(seed_article, mode):
    with Summarizer(
        backend="openai",
        base_url=LIVE_URL,
        api_key=os.environ.get("SUMMARIZER_LIVE_API_KEY"),
        model=os.environ.get("SUMMARIZER_LIVE_MODEL", "gpt-4o-mini"),
        mode=mode,
    ) as summarizer:
        brief = summarizer.summarize(seed_article)
    names = {p.name for p in brief.participants}
    assert {"Vladimir Putin", "Emomali Rahmon"} <= names
    assert brief.meta.grounding.grounding_rate >= 0.9
