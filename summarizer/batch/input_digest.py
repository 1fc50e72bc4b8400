"""The digest of a batch's inputs that its fingerprint records: the whole, and file by file.

The whole digest says whether the inputs changed; the digest of each file says which, so
a resume refused for changed inputs names the files, and ``--retry-failed`` after a fix
says what it reads anew. Past :data:`MAX_FILES_NAMED` files only the whole is kept: a
manifest stays small for a folder of a million articles.
"""

from __future__ import annotations

import hashlib
from typing import Any

__all__ = ["MAX_FILES_NAMED", "InputDigest", "changed_files"]

MAX_FILES_NAMED = 10_000


class InputDigest:
    """Fed every article of a scan: ``add(file, id, content)``."""

    def __init__(self) -> None:
        self._whole = hashlib.sha256()
        self._files: dict[str, Any] = {}

    def add(self, file: str, article_id: str, content: bytes) -> None:
        line = article_id.encode() + b"\0" + hashlib.sha256(content).hexdigest().encode() + b"\n"
        self._whole.update(line)
        if file in self._files or len(self._files) < MAX_FILES_NAMED:
            self._files.setdefault(file, hashlib.sha256()).update(line)
        else:
            self._files[""] = None  # too many files: none is named

    def hexdigest(self) -> str:
        return self._whole.hexdigest()

    def files(self) -> dict[str, str] | None:
        """Each file's digest by its name, or None past :data:`MAX_FILES_NAMED` files."""
        if "" in self._files:
            return None
        return {name: digest.hexdigest() for name, digest in self._files.items()}


def changed_files(old: dict[str, str] | None, new: dict[str, str] | None) -> list[str]:
    """``"name (changed|new|gone)"`` for each file that differs; [] when either side is unknown."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    named = [f"{name} (changed)" for name in new if name in old and old[name] != new[name]]
    named += [f"{name} (new)" for name in new if name not in old]
    named += [f"{name} (gone)" for name in old if name not in new]
    return named
