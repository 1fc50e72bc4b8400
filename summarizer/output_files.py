"""Every file the user names for output (``-o``, ``--report-dir``, ``--dir``, ...) is written here.

Where the name points decides how it is written (:func:`target_of`):

* ``-`` (or None): standard output;
* a symbolic link, or a chain of them: its target; the link stays a link, and a dangling
  link's target is created;
* an existing FIFO or device (``/dev/null``, a terminal): opened and written in place,
  never replaced, never chmod'ed;
* a regular file or a new name: a temporary file beside the target, fsync'ed and renamed
  over it, so no reader sees half a file and a failure leaves the old one as it was. A new
  file gets ``0o666`` less the umask (the kernel applies it at creation: no process-wide
  ``os.umask`` round-trip, which would race other threads); a replaced file keeps its
  mode, and its owner where allowed, as editors do.

Missing folders on the way to a new name are made (not through a dangling link). A
directory, a folder that cannot be made or written, or a loop of links is an
:class:`~summarizer.errors.OutputError` (exit 2) naming the path; a full disk while
writing is a :class:`~summarizer.errors.SummarizerError` (exit 1), the old file untouched.

A batch output is the exception: :class:`summarizer.batch.ledger.Ledger` appends to it in
place (through a link, created ``0o666`` less the umask) and refuses what is not a regular
file, since it is resumed; its ``--retry-failed`` rewrite goes through :class:`OutputFile`.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import sys
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from .errors import OutputError, SummarizerError

__all__ = ["STDOUT", "Kind", "OutputFile", "append_file", "fsync_dir", "output_folder", "target_of",
           "write_error", "write_file"]

STDOUT = "-"


class Kind(str, Enum):
    """How an output is written."""

    stdout = "stdout"  # standard output
    in_place = "in place"  # an existing FIFO or device, opened as it is
    replace = "replace"  # a regular file or a new one, renamed into place when whole


def target_of(path: Path | str | None) -> tuple[Kind, Path | None]:
    """How ``path`` would be written, and the file really written (symbolic links resolved).

    Checks what can be known before writing (an :class:`OutputError` for a directory, a
    file where a folder should be, a link into a missing folder), so a command can refuse
    a bad output before any work.
    """
    if path is None or str(path) == STDOUT:
        return Kind.stdout, None
    target = Path(os.path.realpath(path))  # a dangling link resolves to the file it names
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        if os.path.islink(path) and not target.parent.is_dir():  # folders are not made through a link
            raise _where_error(path, FileNotFoundError(errno.ENOENT, "No such folder"), target) from None
        return Kind.replace, target  # missing folders on the way to a new name are made
    except OSError as exc:  # a loop of links, a file used as a folder
        raise _where_error(path, exc, target) from None
    if stat.S_ISDIR(mode):
        raise OutputError(f"{path}: is a directory; give a file name", path=str(path))
    return (Kind.replace if stat.S_ISREG(mode) else Kind.in_place), target


def _where_error(path: Path | str, exc: OSError, target: Path | None = None) -> OutputError:
    """The error for an output that cannot be opened where it was asked for (``target``: a link's file)."""
    folder = (target if target is not None and os.path.islink(path) else Path(path)).parent
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOENT:
        message = f"{path}: the folder {folder} does not exist; create it first or choose another path"
    elif exc.errno == errno.ENOTDIR:
        message = f"{path}: part of {folder} is a file, not a folder; choose another path"
    elif exc.errno == errno.EISDIR:
        message = f"{path}: is a directory; give a file name"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = f"{path}: cannot be written there ({reason}); choose another path"
    else:
        message = f"{path}: cannot be written ({reason}); choose another path"
    return OutputError(message, path=str(path), errno=exc.errno)


def write_error(path: Path | str, exc: OSError, doing: str,
                then: str = "free some space and run again") -> SummarizerError:
    """The error for a write of ``path`` that failed midway: a full disk says what to do next."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return SummarizerError(f"{path}: disk full while {doing}; {then}", path=str(path), errno=exc.errno)
    return SummarizerError(f"{path}: cannot write ({exc.strerror or exc}) while {doing}",
                           path=str(path), errno=exc.errno)


def fsync_dir(folder: Path) -> None:
    """Make a rename or creation in ``folder`` durable (best effort; not possible everywhere)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class OutputFile:
    """One output being written: :meth:`write` bytes, then :meth:`commit`, or :meth:`discard`.

    As a context manager it commits when the block ends normally and discards on an
    exception. A replaced file appears only at :meth:`commit`; standard output, a FIFO or
    a device receive the bytes as they are written. ``doing`` names the work in the
    message of a failed write.
    """

    def __init__(self, path: Path | str | None, *, doing: str = "writing it") -> None:
        self.path = path
        self.shown = STDOUT if path is None else str(path)  # the name as the user gave it, for messages
        self.doing = doing
        self.kind, self.target = target_of(path)
        self.temporary: Path | None = None  # the file being written, while a replacement is
        self._done = False
        if self.kind is Kind.stdout:
            sys.stdout.flush()  # what was printed before comes first
            self._handle: BinaryIO | None = getattr(sys.stdout, "buffer", None)
            return
        assert self.target is not None
        if self.kind is Kind.in_place:
            # No O_TRUNC or O_CREAT: a device or FIFO is written as it is; a FIFO waits for its reader.
            fd = self._open(self.target, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        else:
            fd = self._create_temporary()
        self._handle = os.fdopen(fd, "wb")

    def _open(self, path: Path, flags: int, mode: int = 0o666) -> int:
        try:
            return os.open(path, flags, mode)
        except OSError as exc:
            raise _where_error(self.shown, exc, self.target) from None

    def _create_temporary(self) -> int:
        assert self.target is not None
        try:
            existing: os.stat_result | None = os.stat(self.target)
        except FileNotFoundError:
            existing = None
            output_folder(self.target.parent)
        except OSError as exc:
            raise _where_error(self.shown, exc, self.target) from None
        while True:
            candidate = self.target.with_name(f".{self.target.name}.{secrets.token_hex(4)}.tmp")
            try:
                # 0o666 here, so the kernel applies the umask to a new file.
                fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            except FileExistsError:
                continue
            except OSError as exc:
                raise _where_error(self.shown, exc, self.target) from None
            break
        self.temporary = candidate
        if existing is not None:
            try:
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    try:
                        os.fchown(fd, existing.st_uid, existing.st_gid)  # before fchmod: it clears setuid
                    except PermissionError:
                        pass  # only root may give a file away; it then gets the writer's owner
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            except OSError as exc:
                os.close(fd)
                candidate.unlink(missing_ok=True)
                raise _where_error(self.shown, exc, self.target) from None
        return fd

    def write(self, data: bytes) -> None:
        """Write ``data`` (a failed write discards the output and raises :class:`SummarizerError`)."""
        if self._handle is None:  # a standard output with no byte stream (a notebook's)
            sys.stdout.write(data.decode("utf-8"))
            return
        if self.kind is Kind.stdout:
            self._handle.write(data)  # a closed pipe is the reader's choice, handled at exit
            return
        try:
            self._handle.write(data)
        except OSError as exc:
            self.discard()
            raise write_error(self.shown, exc, self.doing) from None

    def commit(self) -> None:
        """Finish the output: flush it and, for a regular file, fsync and rename it into place."""
        if self._done:
            return
        self._done = True
        if self.kind is Kind.stdout:
            return
        assert self._handle is not None and self.target is not None
        try:
            self._handle.flush()
            if self.temporary is not None:
                os.fsync(self._handle.fileno())
            self._handle.close()
            if self.temporary is not None:
                os.replace(self.temporary, self.target)
                self.temporary = None
        except OSError as exc:
            self._done = False
            self.discard()
            raise write_error(self.shown, exc, self.doing) from None
        fsync_dir(self.target.parent)

    def discard(self) -> None:
        """Drop the output: the temporary file is removed, an existing file left as it was."""
        if self._done:
            return
        self._done = True
        if self.kind is Kind.stdout or self._handle is None:
            return
        try:
            self._handle.close()
        except OSError:
            pass
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)
            self.temporary = None

    def __enter__(self) -> OutputFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_file(path: Path | str | None, data: str | bytes, *, doing: str = "writing it") -> None:
    """Write ``data`` (text is UTF-8) whole to ``path``, as :class:`OutputFile` writes it."""
    with OutputFile(path, doing=doing) as out:
        out.write(data.encode("utf-8") if isinstance(data, str) else data)


def append_file(path: Path | str) -> BinaryIO:
    """``path`` opened to append (created ``0o666`` less the umask; links followed; a FIFO or device as it is)."""
    if str(path) == STDOUT:
        raise OutputError(f"{path}: give a file to append to", path=str(path))
    target = target_of(path)[1]  # a directory or a loop of links: one line
    if not os.path.lexists(path) and target is not None:
        output_folder(target.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOCTTY | os.O_CLOEXEC, 0o666)
    except OSError as exc:
        raise _where_error(path, exc) from None
    return os.fdopen(fd, "ab")


def output_folder(path: Path | str) -> Path:
    """``path`` as a folder for outputs, made with its parents when missing."""
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: is not a folder; give a folder for the outputs", path=str(folder)) from None
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise OutputError(f"{folder}: part of it is a file, not a folder; choose another folder",
                              path=str(folder)) from None
        raise OutputError(f"{folder}: cannot make this folder ({exc.strerror or exc}); choose another",
                          path=str(folder), errno=exc.errno) from None
    return folder
