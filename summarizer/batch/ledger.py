"""The output of a batch run, written so that every input id ends up in it exactly once.

The output ``OUT.jsonl`` holds one line per finished id, encoded and read by
:mod:`summarizer.batch.records`: ``{"id", "brief", "meta"}`` or ``{"id", "error": {...}}``.
Beside it, ``OUT.jsonl.run.json`` (:mod:`summarizer.batch.manifest`) records the run's
fingerprint, so a resume into an output made by another configuration is refused unless
forced.

Why exactly once survives a crash, ``kill -9``, Ctrl-C or a full disk:

* each record is one ``os.write`` of the whole encoded line, ending in ``"\\n"``, on a
  descriptor opened with ``O_APPEND``; a line is *done* only once its newline is in the
  file. ``os.fsync`` runs every ``fsync_every`` lines or ``fsync_interval`` seconds and on
  close, so a power loss costs at most those lines, which a resume runs again;
* when a write fails (disk full, interrupted), the file is cut back to the end of the
  last complete line before the error is raised, and the ledger refuses further writes;
* a resume reads the output line by line: a torn last line (no newline, or not JSON) is
  cut off (:attr:`Ledger.repaired_bytes`) and its id is pending again; a bad line in the
  middle, a line that is not a batch record, or an id written twice is refused; so is an
  output holding ids that are not among the inputs (``ids``), named in the refusal;
* :meth:`Ledger.write` refuses an id that already has a line;
* an exclusive ``flock`` on the output stops two runs from writing it at once (POSIX).

Readers must split the file on ``"\\n"`` only (bytes), not on ``str.splitlines``: with
``ensure_ascii=False`` a record may contain U+2028 (:func:`summarizer.batch.records.read_records`).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Collection
from pathlib import Path
from types import TracebackType
from typing import Any

from ..errors import InputError, SummarizerError
from ..output_files import OutputFile, output_folder
from . import records
from .manifest import check_manifest, disk_error, fingerprint_hash, fsync_dir, manifest_path, write_manifest

try:  # POSIX only; elsewhere two concurrent runs are not detected
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

__all__ = ["Ledger", "fingerprint_hash", "manifest_path"]

_COPY_CHUNK = 1 << 20


class Ledger:
    """The output JSONL and its run manifest (``OUT.jsonl`` + ``OUT.jsonl.run.json``).

    ``Ledger(path, fingerprint)`` starts a new run: an existing non-empty ``path`` is
    refused unless ``force`` (then it is emptied). ``resume=True`` continues ``path``:
    ids with a line are not pending, a torn last line is cut off, a different fingerprint
    is refused unless ``force``. ``retry_failed=True`` (implies resume) also removes the
    error lines, so failed ids are pending again.

    Attributes after opening: ``done`` (ids whose line holds a brief), ``failed`` (ids
    whose line held an error when opened; with ``retry_failed`` those lines are gone and
    these ids are pending), ``repaired_bytes`` (bytes of a torn last line cut off),
    ``inputs_changed`` (the input files that differ from the run's that began the output:
    accepted only with ``retry_failed``), ``fingerprint_hash``. ``done`` and ``failed``
    describe the file as opened; records written later are counted in ``written`` /
    ``written_failed``.

    ``ids``, when given, are the inputs' ids: the only ones the output may hold. A resume
    into an output with other ids (a line appended by hand, or an output of other inputs)
    is refused, naming them. They are read while opening and not kept, so a job's memory
    holds the ids done, not every input id twice.
    """

    def __init__(
        self,
        path: Path | str,
        fingerprint: dict[str, Any],
        *,
        resume: bool = False,
        retry_failed: bool = False,
        force: bool = False,
        fsync_every: int = 100,
        fsync_interval: float = 1.0,
        background_sync: bool = False,
        ids: Collection[str] | None = None,
    ) -> None:
        self.path = Path(path)
        self._ids = ids  # for _load only; dropped once open
        self.manifest_path = manifest_path(self.path)
        self.fingerprint = fingerprint
        self.fingerprint_hash = fingerprint_hash(fingerprint)
        self.resume = resume or retry_failed
        self.retry_failed = retry_failed
        self.force = force
        self.fsync_every = max(1, int(fsync_every))
        self.fsync_interval = float(fsync_interval)
        self.done: set[str] = set()
        self.failed: set[str] = set()
        self.repaired_bytes = 0
        self.inputs_changed: list[str] = []
        self.written = 0
        self.written_failed = 0
        self._written: set[str] = set()  # ids written since opening
        self._fd: int | None = None
        self._size = 0  # bytes of complete lines in the file
        self._unsynced = 0
        self._last_sync = time.monotonic()
        self._broken: SummarizerError | None = None
        self._syncer: threading.Thread | None = None
        self._stop_syncing = threading.Event()
        try:
            self._open()
        except BaseException:
            self._close_fd()
            raise
        finally:
            self._ids = None
        if background_sync:
            self._syncer = threading.Thread(target=self._sync_in_background, name="ledger-fsync", daemon=True)
            self._syncer.start()

    # -- opening ---------------------------------------------------------------------

    def _open(self) -> None:
        existing = self.path.stat().st_size if self.path.is_file() else 0
        if self.path.exists() and not self.path.is_file():
            raise InputError(f"{self.path}: is not a regular file, and a batch output must be one: it is resumed "
                             "in place, its run manifest beside it; choose another -o (follow it with tail -f)")
        if not self.resume and existing and not self.force:
            raise InputError(
                f"{self.path} exists; pass --resume to continue it or choose another -o (--force overwrites it)"
            )
        rewrite_manifest: str | None = None
        if self.resume and existing:  # before touching the file
            rewrite_manifest, self.inputs_changed = check_manifest(self.path, self.fingerprint, self.force,
                                                                   inputs_may_change=self.retry_failed)
        if not self.path.exists():
            output_folder(self.path.parent)  # as every output: missing folders are made
        self._fd = self._open_fd(self.path)
        if not self.resume:
            os.ftruncate(self._fd, 0)
            write_manifest(self.path, self.fingerprint)
        elif os.fstat(self._fd).st_size == 0:
            write_manifest(self.path, self.fingerprint)  # nothing done yet: a fresh start under this fingerprint
        else:
            self._load()
            if self.retry_failed and self.failed:
                self._drop_failures()
            if rewrite_manifest is not None:  # forced, or inputs fixed: record the run it went over
                write_manifest(self.path, self.fingerprint, previous_hash=rewrite_manifest or None)
        self._size = os.fstat(self._fd).st_size
        fsync_dir(self.path.parent)

    def _open_fd(self, path: Path, flags: int = 0) -> int:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | flags, 0o666)  # less the umask
        except OSError as exc:
            raise InputError(f"{path}: cannot be opened for writing ({exc.strerror or exc})") from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise InputError(f"{self.path}: another batch run is writing it; wait for it or choose another -o") from None
        return fd

    def _load(self) -> None:
        """Read the output line by line: collect ids, cut a torn last line, refuse the rest."""
        good_end = 0
        bad: tuple[int, str] | None = None  # (line number, why) of the latest bad line
        strangers: list[str] = []  # ids that are no input's, in file order
        with self.path.open("rb") as handle:
            for lineno, raw in enumerate(handle, 1):
                if bad is not None:
                    raise InputError(
                        f"{self.path}:{bad[0]}: {bad[1]}, and it is not the last line; "
                        f"the output is damaged, repair or remove that line by hand"
                    )
                result = records.classify(raw)
                if isinstance(result, str):
                    if raw.endswith(b"\n") and not result.startswith("not valid JSON"):
                        raise InputError(f"{self.path}:{lineno}: {result}; is this a batch output?")
                    bad = (lineno, result)
                    continue
                article_id, kind = result
                if article_id in self.done or article_id in self.failed:
                    raise InputError(
                        f"{self.path}:{lineno}: id {article_id!r} is already in the output; "
                        f"the output is damaged, remove one of its lines by hand"
                    )
                if self._ids is not None and article_id not in self._ids:
                    strangers.append(article_id)
                (self.done if kind == records.BRIEF else self.failed).add(article_id)
                good_end += len(raw)
        if strangers:
            raise InputError(
                f"{self.path} holds {len(strangers):,} id(s) that are not among the inputs: "
                f"{records.some_ids(strangers)}; remove those lines, give the inputs they came from, "
                f"or choose another -o"
            )
        size = self.path.stat().st_size
        if size > good_end:
            assert self._fd is not None
            os.ftruncate(self._fd, good_end)
            os.fsync(self._fd)
            self.repaired_bytes = size - good_end

    def _drop_failures(self) -> None:
        """Rewrite the output without its error lines, whole (through a link; its mode kept), and hold the new file."""
        fd: int | None = None
        try:
            with OutputFile(self.path, doing="removing the failed records for --retry-failed") as out, \
                    self.path.open("rb") as source:
                pending = bytearray()
                for raw in source:
                    result = records.classify(raw)
                    if isinstance(result, tuple) and result[1] == records.ERROR:
                        continue
                    pending += raw
                    if len(pending) >= _COPY_CHUNK:
                        out.write(bytes(pending))
                        pending.clear()
                out.write(bytes(pending))
                assert out.temporary is not None  # a batch output is a regular file
                fd = self._open_fd(out.temporary)  # locked before it takes the output's place
        except BaseException as exc:
            if fd is not None:
                os.close(fd)
            if isinstance(exc, OSError):  # reading the old output
                raise disk_error(self.path, exc, "removing the failed records for --retry-failed") from None
            raise
        assert self._fd is not None
        os.close(self._fd)  # the old file, now unlinked
        self._fd = fd

    @staticmethod
    def _write_all(fd: int, data: bytes, path: Path) -> None:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]

    # -- running -----------------------------------------------------------------------

    def pending(self, article_id: str) -> bool:
        """Whether ``article_id`` should be run now: it has no line in the output yet.

        False for done ids and for failed ids (unless ``retry_failed`` dropped them), and
        for ids written since opening.
        """
        if article_id in self.done or article_id in self._written:
            return False
        return self.retry_failed or article_id not in self.failed

    def write(self, record: dict[str, Any]) -> None:
        """Append ``record`` as one complete JSON line (one ``os.write`` on an O_APPEND fd).

        ``record`` needs a string ``"id"`` that is :meth:`pending` and exactly one of
        ``"brief"`` and ``"error"`` (else ``ValueError``). A failed write (disk full) cuts
        the file back to its last complete line and raises :class:`SummarizerError`; the
        ledger then refuses further writes.
        """
        if self._broken is not None:
            raise self._broken
        if self._fd is None:
            raise ValueError(f"{self.path}: the ledger is closed")
        data = records.encode(record)  # a ValueError for what is not a batch record
        article_id = record["id"]
        if not self.pending(article_id):
            raise ValueError(f"{self.path}: id {article_id!r} already has a line; it would be written twice")
        try:
            written = os.write(self._fd, data)
            if written != len(data):  # a short write: only when the disk fills up
                self._write_all(self._fd, data[written:], self.path)
        except BaseException as exc:
            self._cut_back()
            if isinstance(exc, OSError):
                self._broken = disk_error(self.path, exc, f"writing the record of {article_id!r}")
                raise self._broken from None
            raise
        self._size += len(data)
        self._written.add(article_id)
        if records.BRIEF in record:
            self.written += 1
        else:
            self.written_failed += 1
        self._unsynced += 1
        if self._syncer is not None:
            if self._broken is not None:
                raise self._broken
            return
        if self._unsynced >= self.fsync_every or time.monotonic() - self._last_sync >= self.fsync_interval:
            self.sync()

    def _sync_in_background(self) -> None:
        # fsync can take tens of milliseconds; in an event loop's thread it would stall
        # every request in flight, so a batch run syncs from here every fsync_interval.
        while not self._stop_syncing.wait(self.fsync_interval):
            if self._unsynced:
                try:
                    self.sync()
                except SummarizerError:
                    return  # kept in self._broken; the next write raises it

    def _cut_back(self) -> None:
        """Remove a partial line after a failed write (best effort; a resume repairs it anyway)."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, self._size)
        except OSError:
            pass

    def sync(self) -> None:
        """fsync the output now (``write`` does it every N lines / T seconds, ``close`` always)."""
        if self._fd is None or self._broken is not None:
            return
        try:
            os.fsync(self._fd)
        except OSError as exc:
            self._broken = disk_error(self.path, exc, "flushing the output to disk")
            raise self._broken from None
        self._unsynced = 0
        self._last_sync = time.monotonic()

    def close(self) -> None:
        """fsync and close the output; safe to call twice."""
        if self._syncer is not None:
            self._stop_syncing.set()
            self._syncer.join()
            self._syncer = None
        if self._fd is None:
            return
        try:
            if self._broken is None:
                self.sync()
        finally:
            self._close_fd()

    def _close_fd(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # releases the flock

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r}, done={len(self.done)}, failed={len(self.failed)})"
