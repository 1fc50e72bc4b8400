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
from ..not_content import blank, left_out_warning, not_content
from .base import Capabilities


@cache
def offline_version() -> str:
    """``offline-`` and a short hash of the extractor's code and tables: it changes when they do.

    What an offline brief carries as its ``prompt_version``, and what its cache key holds,
    so a change of the extractor is a new version and a prompt edit is not.
    """
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent
    shaping = ["grounding.py", "names.py", "injection.py", "not_content.py"]  # outside offline/, they shape a brief too
    for path in sorted((here / "offline").glob("*.py")) + [here / name for name in shaping]:
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
        """The brief of ``text``, read with what is not content blanked out (:mod:`summarizer.not_content`).

        Text addressed to an AI model and reader comments yield no item; the brief's
        ``meta.warnings`` says, in one line, how much was left out. An article that is not
        English (another script or language) is :class:`InputError`.
        """
        started = time.perf_counter()
        foreign = self._unreadable(text)
        if foreign is not None:
            raise InputError(foreign.message(), language=foreign.code, script=foreign.script)
        left_out = not_content(text)
        read = blank(text, left_out) if left_out else text
        warning = left_out_warning(left_out)
        made = Production(backend=self.name, version=self.version, started=started,
                          warnings=[warning] if warning else (), read=read if left_out else None)
        return finish(self._extract(read), text, self.settings.ungrounded, made)

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
