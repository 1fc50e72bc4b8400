"""The offline backend: the deterministic extractor of :mod:`summarizer.offline`, no network, no model, no key."""

from __future__ import annotations

import hashlib
import time
from functools import cache
from pathlib import Path

from ..config import Settings
from ..errors import InputError
from ..finish import Production, finish
from ..models import Brief, Usage
from .base import Capabilities


@cache
def offline_version() -> str:
    """``offline-`` and a short hash of the extractor's code and tables: it changes when they do.

    What an offline brief carries as its ``prompt_version``, and what its cache key holds,
    so a change of the extractor is a new version and a prompt edit is not.
    """
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent
    for path in sorted((here / "offline").glob("*.py")) + [here / "grounding.py", here / "names.py"]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"offline-{digest.hexdigest()[:12]}"


class OfflineBackend:
    """The deterministic extractor: no network, no model, no key."""

    name = "offline"
    capabilities = Capabilities()
    limiter = None

    def __init__(self, settings: Settings) -> None:
        from .. import offline  # imported here: the LLM path never pays for its tables
        from ..offline.language import unreadable

        self.settings = settings
        self._extract = offline.extract
        self._unreadable = unreadable

    @property
    def version(self) -> str:
        return offline_version()

    def summarize(self, text: str) -> Brief:
        """The brief of ``text``; :class:`InputError` when it is not English (another script or language)."""
        made = Production(backend=self.name, version=self.version, started=time.perf_counter())
        foreign = self._unreadable(text)
        if foreign is not None:
            raise InputError(foreign.message(), language=foreign.code, script=foreign.script)
        return finish(self._extract(text), text, self.settings.ungrounded, made)

    async def asummarize(self, text: str) -> Brief:
        return self.summarize(text)

    def estimate_usage(self, text: str) -> Usage:
        """Nothing: no tokens are billed offline."""
        return Usage()

    def warm(self) -> None:
        """Nothing to build ahead."""

    def close(self) -> None:
        """Nothing to release."""

    async def aclose(self) -> None:
        """Nothing to release."""
