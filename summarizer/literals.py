"""Which of many short literals occur in a text, found in one pass.

The checks that run on every article before anything else (text addressed to a model,
reader comments: :mod:`summarizer.injection`, :mod:`summarizer.not_content`) ask
whether any of some eighty words occur; one ``in`` per word is one pass over the
article per word. With hyperscan (a pinned dependency where it is built) all of them are
one pass, each literal reported once; without it, the same answer comes from ``in``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

try:
    import hyperscan
except ImportError:  # pragma: no cover - the platforms hyperscan is not built for
    hyperscan = None

__all__ = ["Literals"]


class Literals:
    """A fixed set of byte literals, compiled on first use, matched case-sensitively."""

    def __init__(self, needles: Iterable[bytes]) -> None:
        self.needles = tuple(dict.fromkeys(needles))
        self._database = None
        self._lock = threading.Lock()
        self._scratch = threading.local()

    def present(self, data: bytes) -> frozenset[bytes]:
        """The literals that occur in ``data``."""
        if hyperscan is None:
            return frozenset(needle for needle in self.needles if needle in data)
        database, scratch = self._compiled()
        found: set[int] = set()
        database.scan(data, match_event_handler=lambda i, start, end, flags, context: found.add(i), scratch=scratch)
        return frozenset(self.needles[i] for i in found)

    def _compiled(self):
        if self._database is None:
            with self._lock:
                if self._database is None:
                    database = hyperscan.Database()
                    database.compile(expressions=list(self.needles), ids=list(range(len(self.needles))),
                                     elements=len(self.needles), literal=True,
                                     flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(self.needles))
                    self._database = database
        scratch = getattr(self._scratch, "space", None)
        if scratch is None:
            scratch = self._scratch.space = hyperscan.Scratch(self._database)
        return self._database, scratch
