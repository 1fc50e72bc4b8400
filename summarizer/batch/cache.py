"""A local SQLite cache of briefs, so a re-run of a job makes no API call.

The key is a hash of everything that determines a brief: the article's text, the
version of what makes the brief (the backend's ``version``: the prompt's for an LLM, the
extractor's code for the offline backend), the schema version, the backend, model, mode
and sampling settings. The API key, the base URL's credentials and the article text
itself are never stored. Where the cache lives by default is for
:func:`summarizer.config.default_cache_path` to say.

The cache is best-effort (:class:`BriefCache`): whatever is wrong with its file, a job
goes on without it, after one warning.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any, Callable, NamedTuple

from pydantic import ValidationError

from ..config import Settings
from ..finish import cached, served
from ..models import SCHEMA_VERSION, Brief, BriefMeta

__all__ = ["BUSY_TIMEOUT_S", "BriefCache", "Hit", "article_hash", "settings_key"]

log = logging.getLogger(__name__)

# How long a get or put waits for another process's write to end. A put takes
# milliseconds, so a wait this long means the file is held: the cache goes off (one
# warning) rather than stall every article.
BUSY_TIMEOUT_S = 1.0

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


class Hit(NamedTuple):
    """A brief served from the cache: its JSON as first written, its metadata (``cached``), the brief itself."""

    brief_json: str
    meta: BriefMeta
    brief: Brief


class BriefCache:
    """Briefs by (article hash, settings key); best-effort.

    The cache never fails a job. A fault of its file (locked by another process for longer
    than :data:`BUSY_TIMEOUT_S`, corrupt, not a database, read-only, a directory, a full
    disk) is one warning naming the file and the problem, and from then on the cache is off:
    every get a miss, every put dropped. The user's file is never moved or deleted. A row
    that is not a valid brief is a miss (warned about once), and the brief made again replaces it.
    """

    def __init__(self, path: Path, settings: Settings, backend: str, version: str) -> None:
        self.path = path
        self._salt = json.dumps(settings_key(settings, backend, version), sort_keys=True)
        self._db: sqlite3.Connection | None = None
        self._warned_invalid = False
        self.hits = 0
        self.misses = 0
        self.fault: str | None = None  # why the cache went off, if it did
        try:
            _check_place(path)
            self._db = _connect(path)
        except (OSError, sqlite3.Error) as exc:
            self._off(exc)

    def key(self, text: str) -> str:
        return hashlib.sha256((self._salt + "\0" + article_hash(text)).encode()).hexdigest()

    def get(self, text: str) -> Hit | None:
        """The stored brief, validated, or None: not stored, not valid, or the cache is off."""
        row = None
        if self._db is not None:
            try:
                row = self._db.execute("SELECT brief, meta FROM briefs WHERE key = ?", (self.key(text),)).fetchone()
            except sqlite3.Error as exc:
                self._off(exc)
        hit = _hit(row, self._invalid) if row is not None else None
        if hit is None:
            self.misses += 1
            return None
        self.hits += 1
        return hit

    def put(self, text: str, brief_json: str, meta: BriefMeta) -> None:
        """Store a brief; a fault turns the cache off (one warning) and loses nothing but the row."""
        if self._db is None:
            return
        try:
            self._db.execute(
                "INSERT OR REPLACE INTO briefs (key, brief, meta, created) VALUES (?, ?, ?, ?)",
                (self.key(text), brief_json, meta.model_dump_json(), time.time()),
            )
        except sqlite3.Error as exc:
            self._off(exc)

    def close(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:  # nothing is left to save: a put that failed has said so
                pass

    def _off(self, exc: BaseException) -> None:
        """Turn the cache off, with the one warning that says why."""
        self.close()
        if self.fault is None:
            self.fault = _problem(self.path, exc)
            log.warning("the brief cache %s %s; the job goes on without it", self.path, self.fault)

    def _invalid(self, why: str) -> None:
        if not self._warned_invalid:
            self._warned_invalid = True
            log.warning("the brief cache %s holds an invalid row (%s): a miss, its brief made again "
                        "(further invalid rows are not reported)", self.path, why)


def _check_place(path: Path) -> None:
    """Raise, as an OSError that says why, for a cache path that is no regular file this process can write.

    Checked before SQLite opens it: SQLite would block on a FIFO, write journals beside a
    device, and say only "unable to open database file" of the rest. Opening for append
    makes a missing file and changes nothing in one that exists.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise OSError(errno.ENOTDIR, f"{path.parent} is not a folder") from None
    except OSError as exc:
        raise OSError(exc.errno, f"its folder {path.parent} cannot be made: {exc.strerror}") from None
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "a directory")
    if path.exists() and not path.is_file():
        raise OSError(errno.EINVAL, "not a regular file but a FIFO, a socket or a device")
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK, 0o666))


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    db.text_factory = bytes  # a row that is not UTF-8 is an invalid row, not a failed query
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute(_SCHEMA)
        db.execute("SELECT key, brief, meta FROM briefs LIMIT 1").fetchall()  # a table of another shape fails here
    except sqlite3.Error:
        db.close()
        raise
    return db


def _problem(path: Path, exc: BaseException) -> str:
    """What is wrong with the cache file, in words, then the system's own in brackets."""
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        if isinstance(exc, IsADirectoryError):
            return "is a directory"
        if exc.errno == errno.EINVAL:
            return f"is {reason}"
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return f"is read-only or cannot be written ({reason})"
        if exc.errno == errno.ENOSPC:
            return f"cannot be written: the disk is full ({reason})"
        return f"cannot be created or opened ({reason})"
    detail = str(exc)
    text = detail.lower()
    if ("full" in text or "i/o" in text) and _disk_full(path):
        return f"cannot be written: the disk is full (SQLite: {detail})"
    for words, problem, advice in _SQLITE_PROBLEMS:
        if any(word in text for word in words):
            return f"{problem} (SQLite: {detail}){advice}"
    return f"cannot be used (SQLite: {detail})"


# SQLite's messages, as it words them: what they mean for a cache file, and what to do
_SQLITE_PROBLEMS = (
    (("locked", "busy"), f"is locked by another process (for more than {BUSY_TIMEOUT_S:g} s)", ""),
    (("not a database", "malformed", "no such", "corrupt"), "is corrupt or not a brief cache",
     "; move it aside or delete it to start a new one"),
    (("readonly", "read-only"), "is read-only", ""),
    (("full",), "cannot be written: the disk is full", ""),
)


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 64 * 1024
    except OSError:
        return False


def _hit(row: tuple[Any, Any], invalid: Callable[[str], None]) -> Hit | None:
    """The brief of a stored row, or None (``invalid`` told why) when the row is no valid brief and metadata."""
    brief_raw, meta_raw = row
    if not isinstance(brief_raw, bytes) or not isinstance(meta_raw, bytes):
        invalid("not text")
        return None
    try:
        brief_json = brief_raw.decode("utf-8")
        brief = Brief.model_validate_json(brief_json)
        meta = cached(BriefMeta.model_validate_json(meta_raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        invalid(f"{'.'.join(str(p) for p in first['loc']) or 'the row'}: {first['msg']}")
        return None
    except UnicodeDecodeError:
        invalid("not UTF-8")
        return None
    return Hit(brief_json, meta, served(brief, meta))
