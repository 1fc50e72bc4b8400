"""Shared fixtures: environment isolation, the loopback server, the shared seed article."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from loopback import LoopbackServer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seed-article.txt"
SEED_GOLD = SHARED / "seed-article.gold.json"
# The fixtures written with text aimed at automated news tools (the rest have none).
INJECTED_FIXTURES = (
    "a-injection-malaysia-indonesia-treaty",
    "b-injection-baltic-cables",
    "c-mongolia-japan-fake-post",
    "d-injection-philippines-vietnam-rice",
    "e-injection-chile-germany-lithium",
)

# Variables that would leak the user's setup into a test (keys, servers, modes, and the
# openai client's own knobs such as extra headers and debug logging).
_ISOLATED_VARIABLES = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "OPENAI_ORG_ID",
    "OPENAI_PROJECT_ID",
    "OPENAI_ADMIN_KEY",
    "OPENAI_CUSTOM_HEADERS",
    "OPENAI_LOG",
    "SUMMARIZER_MODEL",
    "SUMMARIZER_MODE",
    "SUMMARIZER_BACKEND",
    "SUMMARIZER_MAX_INPUT_TOKENS",
    "SUMMARIZER_MAX_ARTICLE_CHARS",
    "SUMMARIZER_RAISE_ERRORS",
)



@pytest.fixture(params=["hyperscan", "re"])
def engine(request):
    """The offline scanner on hyperscan, then on its ``re`` fallback (the same spots either way)."""
    from summarizer.offline import scanner

    scanner.use_re_only(request.param == "re")
    yield request.param
    scanner.use_re_only(False)

@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Isolate every test from the user's environment, caches and proxies."""
    for name in _ISOLATED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    # httpx2 honours HTTP(S)_PROXY/ALL_PROXY, and would send loopback traffic to a user's
    # proxy; exempt loopback only, so live tests behind a proxy still work.
    no_proxy = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    exempt = ",".join(filter(None, [no_proxy, "127.0.0.1", "localhost"]))
    monkeypatch.setenv("NO_PROXY", exempt)
    monkeypatch.setenv("no_proxy", exempt)


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started LoopbackServer (see tests/loopback.py), stopped after the test."""
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def seed_article() -> str:
    """The shared seed article's text; skips when ../shared is not checked out."""
    if not SEED_ARTICLE.is_file():
        pytest.skip(f"../shared/seed-article.txt is absent: expected at {SEED_ARTICLE}")
    return SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def seed_gold() -> dict[str, Any]:
    """The seed article's gold brief (a dict); skips when ../shared is not checked out."""
    if not SEED_GOLD.is_file():
        pytest.skip(f"../shared/seed-article.gold.json is absent: expected at {SEED_GOLD}")
    return json.loads(SEED_GOLD.read_text(encoding="utf-8"))


def spans_of(brief: dict) -> list[tuple[str, dict]]:
    """``(evidence, span)`` of every excerpt of a brief."""
    pairs = [(item["evidence"], item["evidence_span"]) for field in ("figures", "security_concerns") for item in brief[field]]
    for topic in brief["topics"]:
        pairs += list(zip(topic["evidence"], topic["evidence_spans"]))
    return pairs
