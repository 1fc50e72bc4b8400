"""A local SQLite cache of briefs, so a re-run of a job makes no API call.

The key is a hash of everything that determines a brief: the article's text, the
version of what makes the brief (the backend's ``version``: the prompt's for an LLM, the
extractor's code for the offline backend), the schema version, the backend, model, mode
and sampling settings. The API key, the base URL's credentials and the article text
itself are never stored. Where the cache lives by default is for
:func:`summarizer.config.default_cache_path` to say.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from ..config import Settings
from ..finish import cached
from ..models import SCHEMA_VERSION, BriefMeta

__all__ = ["BriefCache", "article_hash", "settings_key"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS briefs (
    key TEXT PRIMARY KEY,
    brief TEXT NOT NULL,
    meta TEXT NOT NULL,
    created REAL NOT NULL
)
"""


def settings_key(settings: Settings, backend: str, version: str) -> dict[str, Any]:
    """What changes a brief besides its article: ``backend`` (its name) and the ``version``
    of what makes the brief, and the settings that matter to it; never the key or the server's address."""
    return {
        "backend": backend,
        "model": settings.model if backend != "offline" else None,
        "mode": settings.mode.value if backend != "offline" else None,
        "temperature": settings.temperature if backend != "offline" else None,
        "max_output_tokens": settings.max_output_tokens if backend != "offline" else None,
        "max_reasks": settings.max_reasks if backend != "offline" else None,
        # where a long article is split, and how far a cut-off reply may grow, change its brief
        "max_input_tokens": settings.max_input_tokens if backend != "offline" else None,
        "max_output_tokens_ceiling": settings.max_output_tokens_ceiling if backend != "offline" else None,
        "ungrounded": settings.ungrounded.value,
        # the key keeps its name: an LLM's version is its prompt's, so its cache stays valid
        "prompt_version": version,
        "schema_version": SCHEMA_VERSION,
    }


def article_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class BriefCache:
    """Briefs by (article hash, settings key)."""

    def __init__(self, path: Path, settings: Settings, backend: str, version: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._salt = json.dumps(settings_key(settings, backend, version), sort_keys=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)
        self.hits = 0
        self.misses = 0

    def key(self, text: str) -> str:
        return hashlib.sha256((self._salt + "\0" + article_hash(text)).encode()).hexdigest()

    def get(self, text: str) -> tuple[str, BriefMeta] | None:
        """The stored brief's JSON (byte for byte, as first written) and its metadata, or None."""
        row = self._db.execute("SELECT brief, meta FROM briefs WHERE key = ?", (self.key(text),)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return row[0], cached(BriefMeta.model_validate_json(row[1]))

    def put(self, text: str, brief_json: str, meta: BriefMeta) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO briefs (key, brief, meta, created) VALUES (?, ?, ?, ?)",
            (self.key(text), brief_json, meta.model_dump_json(), time.time()),
        )

    def close(self) -> None:
        self._db.close()
