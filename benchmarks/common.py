"""Shared by the benchmarks: deterministic articles, the server's fixed reply, the
benchmark server in a child process, and the one result line ``run_all.py`` collects.

Not a benchmark itself. Standard library only at import time (``server.py`` imports it).
"""

from __future__ import annotations

import contextlib
import json
import random
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, Iterator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
API_KEY = "sk-bench-not-a-real-key"
MODEL = "bench-model"

# Three sentences present in every article; the server's reply quotes only these.
OPENING = ("Brazilian Foreign Minister Tomas Aveiro met his Portuguese counterpart Ines Carvalho "
           "in Lisbon on Tuesday.")
QUOTE = "\u201cTrade between our countries grew 12 percent last year,\u201d Aveiro said."
THREAT = "Carvalho warned that drug trafficking across the Atlantic remains a serious threat."

REPLY = {
    "headline": "Brazil and Portugal foreign ministers meet in Lisbon",
    "summary": "Tomas Aveiro met Ines Carvalho in Lisbon. Aveiro said trade grew 12 percent.",
    "participants": [
        {"name": "Tomas Aveiro", "aliases": ["Aveiro"], "role": "Foreign Minister of Brazil",
         "affiliation": "Brazil", "kind": "person"},
        {"name": "Ines Carvalho", "aliases": ["Carvalho"], "role": "Foreign Minister of Portugal",
         "affiliation": "Portugal", "kind": "person"},
    ],
    "topics": [{"label": "bilateral trade", "category": "economy_trade",
                "evidence": ["Trade between our countries grew 12 percent last year"]}],
    "figures": [{"text": "12 percent", "value": 12, "value_max": None, "unit": "percent", "qualifier": "exact",
                 "measure": "growth in Brazil-Portugal trade", "period": "last year", "speaker": "Tomas Aveiro",
                 "evidence": "Trade between our countries grew 12 percent last year"}],
    "security_concerns": [{"issue": "drug trafficking across the Atlantic", "region": "Atlantic",
                           "raised_by": "Ines Carvalho",
                           "evidence": "drug trafficking across the Atlantic remains a serious threat"}],
}

_CITIES = ["Valdora", "Port Emmer", "Kestrin", "Lorvale", "Aster Bay", "Norhaven", "Tessaly", "Mirrow"]
_OFFICIALS = ["Deputy Minister Ilse Brandvik", "spokesperson Arun Malde", "Governor Petra Olsane",
              "envoy Kofi Dranet", "Senator Lucia Ferrow", "Trade Secretary Omar Velde"]
_TEMPLATES = [
    "Officials in {city} said talks on the {thing} would resume next {day}.",
    "{who} told reporters in {city} that the {thing} was {mood}.",
    "The delegation from {city} arrived late on {day} after a delay at the border.",
    "Analysts said the {thing} could shift the balance in the region within {n} months.",
    "{who} declined to comment on reports about the {thing}.",
    "Shipping through {city} resumed on {day} after a {n}-hour pause.",
    "Local media in {city} described the mood at the meeting as {mood}.",
    "A statement issued in {city} called for calm and further consultations on the {thing}.",
]
_THINGS = ["port agreement", "fisheries accord", "border survey", "customs reform", "energy corridor",
           "visa regime", "grain shipments", "rail link"]
_MOODS = ["cautious", "constructive", "tense", "cordial", "businesslike"]
_DAYS = ["Monday", "Wednesday", "Thursday", "Friday", "week"]


def article(number: int, words: int = 1000) -> str:
    """A fictional wire-news article of about ``words`` words, distinct per ``number``.

    It always holds OPENING, QUOTE and THREAT (the evidence the server's reply quotes);
    ``words`` below ~60 gives just those and the dispatch number.
    """
    rng = random.Random(number)
    fill: list[str] = []
    count = len(OPENING.split()) + len(QUOTE.split()) + len(THREAT.split()) + 3
    while count < words:
        sentence = rng.choice(_TEMPLATES).format(city=rng.choice(_CITIES), who=rng.choice(_OFFICIALS),
                                                 thing=rng.choice(_THINGS), mood=rng.choice(_MOODS),
                                                 day=rng.choice(_DAYS), n=rng.randint(2, 48))
        fill.append(sentence)
        count += len(sentence.split())
    third = len(fill) // 3
    paragraphs = [OPENING, *_paragraphs(fill[:third]), QUOTE, *_paragraphs(fill[third:2 * third]),
                  THREAT, *_paragraphs(fill[2 * third:]), f"Dispatch number {number}."]
    return "\n\n".join(paragraphs)


def _paragraphs(sentences: list[str], size: int = 4) -> list[str]:
    return [" ".join(sentences[i:i + size]) for i in range(0, len(sentences), size)]


def write_jsonl(path: Path, count: int, words: int = 1000) -> Path:
    """``count`` articles as batch input lines ``{"id", "text"}``."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"id": f"a{i:06d}", "text": article(i, words)}, ensure_ascii=False) + "\n")
    return path


class Server:
    """The benchmark server running in a child process (see server.py)."""

    def __init__(self, proc: subprocess.Popen, port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}/v1"

    def _call(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method,
                                         data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())

    def stats(self) -> dict[str, Any]:
        return self._call("GET", "/stats")

    def reset(self) -> dict[str, Any]:
        """Zero the counts; the counts as they were."""
        return self._call("POST", "/reset")


@contextlib.contextmanager
def server(*args: str) -> Iterator[Server]:
    """Start ``server.py --port 0 ARGS`` in a child process; always stopped on leaving."""
    proc = subprocess.Popen([sys.executable, str(HERE / "server.py"), "--port", "0", *args],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line.strip().isdigit():
            raise RuntimeError(f"benchmark server did not start (first line {line!r})")
        yield Server(proc, int(line))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def settings(url: str, **overrides: Any) -> Any:
    """Batch/backend settings for the benchmark server (nothing read from the environment)."""
    from summarizer.config import resolve_settings

    return resolve_settings(environ={}, backend="openai", base_url=url, api_key=API_KEY, model=MODEL, **overrides)


def bare_request(text: str) -> dict[str, Any]:
    """What the summarizer sends for ``text`` in tools mode, for a bare openai client call."""
    import instructor
    from instructor.v2.core.providers import Provider
    from instructor.v2.core.registry import mode_registry
    from summarizer.backends.openai.structured import BriefRequest
    from summarizer.prompts import messages

    global _STATIC
    if _STATIC is None:
        handlers = mode_registry.get_handlers(Provider.OPENAI, instructor.Mode.TOOLS)
        _, prepared = handlers.request_handler(response_model=BriefRequest, kwargs={"messages": []})
        _STATIC = {k: v for k, v in prepared.items() if k != "messages"}
    return {"model": MODEL, "temperature": 0.0, "max_tokens": 4096, **_STATIC, "messages": messages(text)}


_STATIC: dict[str, Any] | None = None


def verdict(ok: bool) -> str:
    return "MEETS" if ok else "BELOW"


def result(benchmark: str, figure: str, reference: str, ratio: float | None, target: str, ok: bool) -> None:
    """Print the line run_all.py turns into a table row."""
    print("RESULT " + json.dumps({"benchmark": benchmark, "figure": figure, "reference": reference,
                                  "ratio": None if ratio is None else round(ratio, 3), "target": target,
                                  "verdict": verdict(ok)}, ensure_ascii=False), flush=True)
