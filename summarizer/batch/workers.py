"""Briefs made in helper processes, so a batch uses every core, whatever the backend.

An LLM costs a few milliseconds of CPU per article (request building, parsing,
validation, grounding), the offline extractor all of its time: at high concurrency
that, not the server, becomes the limit. Each helper process builds the same backend as
the parent (:func:`summarizer.backends.make_backend`), runs its own event loop and takes
up to ``share`` articles at a time; the parent keeps the queue, the cache, the ledger
and the accounts, and makes briefs itself with whatever concurrency the helpers do not
take. A helper counts only once it has said it is ready, so its start-up (a second or so
of imports) never holds the job up: until then the parent makes every call.

Parent and helper talk over one socket pair each, read and written by their event loops
(length-prefixed pickles; no thread hands anything over, so no answer waits for a thread
to get the interpreter lock). When either side ends, the other reads the end of the
stream at once: a helper whose parent was killed stops, and a helper that died fails
only its own articles. A helper's error arrives as
:meth:`~summarizer.errors.SummarizerError.to_data` and is rebuilt, same class, by
:func:`~summarizer.errors.error_from_data`.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import pickle
import signal
import socket
import struct
import sys
import threading
from typing import Any

from .. import errors
from ..config import Settings
from ..models import BriefMeta

_HEADER = struct.Struct("!I")
_READY = -1  # the token of a helper's "ready" message
_STOP = None  # the task that tells a helper to finish what it holds and end
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_WAIT_S = 30.0  # how long a ready helper may take to finish its articles at the end


async def _receive(reader: asyncio.StreamReader) -> Any:
    (size,) = _HEADER.unpack(await reader.readexactly(_HEADER.size))
    return pickle.loads(await reader.readexactly(size))


def _send(writer: asyncio.StreamWriter, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    writer.write(_HEADER.pack(len(data)) + data)  # buffered by the transport: never blocks the loop


async def _serve(number: int, settings: Settings, channel: socket.socket) -> None:
    from ..backends import make_backend  # the same backend as the parent's: capped, long articles split

    backend = make_backend(settings)
    backend.warm()
    reader, writer = await asyncio.open_connection(sock=channel)
    pending: set[asyncio.Task[None]] = set()

    async def answer(token: int, text: str) -> None:
        try:
            brief = await backend.asummarize(text)
            assert brief.meta is not None  # every backend finishes its briefs (summarizer.finish)
            _send(writer, (token, "ok", brief.model_dump_json(), brief.meta.model_dump_json()))
        except errors.SummarizerError as exc:
            _send(writer, (token, "error", exc.to_data()))

    _send(writer, (_READY, number))
    try:
        while True:
            try:
                task = await _receive(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return  # the parent is gone: nobody is left to write the answers
            if task is _STOP:
                break
            running = asyncio.create_task(answer(*task))
            pending.add(running)
            running.add_done_callback(pending.discard)
        if pending:
            await asyncio.wait(pending)
        await writer.drain()
    finally:
        writer.close()
        await backend.aclose()


def _end_with_parent(parent: int) -> None:
    """Have the kernel kill this helper when its parent dies (Linux), even mid-brief.

    The end of the channel already stops a helper waiting for work; a helper busy on one
    long article, or still importing, reads it only later. ``parent`` closes the race
    of a parent that died before the request was made.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return  # no prctl here: the channel's end still stops the helper
    if os.getppid() != parent:
        os._exit(0)


def _helper_main(number: int, settings: Settings, channel: socket.socket, inherited: list[int], parent: int) -> None:
    _end_with_parent(parent)
    # A forked helper holds copies of the parent's ends of every channel: closed, so each
    # channel ends when its own two processes do.
    for descriptor in inherited:
        os.close(descriptor)
    # Ctrl-C reaches every process of the terminal's group; the parent answers it for the
    # job (one line, exit 130) and its closed channels end the helpers, so a helper
    # ignores it, from birth (see WorkerPool) to its end, and never prints a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    asyncio.run(_serve(number, settings, channel))
    # Skip the interpreter's tear-down of a large module graph: a few hundred
    # milliseconds at the end of every job for nothing.
    os._exit(0)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _start_method(fork: bool) -> str:
    """``fork`` when asked and safe (Linux, this process on one thread), else ``spawn``.

    A spawned helper imports the package afresh (half a second of CPU with the offline
    tables; a short job notices); a forked one starts at once with what this process
    has loaded. Forking is safe only for a backend that holds no client, socket or lock
    another thread could hold, which the caller knows and says with ``fork``.
    """
    if fork and sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


class WorkerPool:
    """``helpers`` processes, each taking up to ``share`` of a batch's articles at a time.

    With ``fork=True`` (a backend with no client: the offline one) the helpers are forked
    when that is safe (:func:`_start_method`); otherwise they are spawned, so no event
    loop, client or socket of this process is ever copied into them.
    """

    def __init__(self, settings: Settings, helpers: int, share: int, *, fork: bool = False) -> None:
        method = _start_method(fork)
        if method == "fork":  # nothing buffered here is written twice by a helper
            sys.stdout.flush()
            sys.stderr.flush()
        context = multiprocessing.get_context(method)
        self.start_method = method
        self.share = max(1, share)
        self._channels: list[socket.socket] = []
        self._processes: list[Any] = []
        for number in range(helpers):
            # made one at a time, so a helper forked earlier holds no copy of a later channel
            ours, theirs = socket.socketpair()
            self._channels.append(ours)
            inherited = [c.fileno() for c in self._channels] if method == "fork" else []
            process = context.Process(target=_helper_main, args=(number, settings, theirs, inherited, os.getpid()), daemon=True)
            # an ignored signal stays ignored across fork and exec: a helper is never
            # interrupted while it starts, before it can say so itself
            handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main_thread() else None
            try:
                process.start()
            finally:
                if handler is not None:
                    signal.signal(signal.SIGINT, handler)
            theirs.close()
            self._processes.append(process)
        self._ready: list[bool] = [False] * helpers
        self._busy: list[int] = [0] * helpers
        self._writers: list[asyncio.StreamWriter | None] = [None] * helpers
        self._listeners: list[asyncio.Task[None]] = []
        self._tokens = itertools.count()
        self._futures: dict[int, asyncio.Future[tuple[str, BriefMeta]]] = {}
        self._owner: dict[int, int] = {}  # token -> helper, to fail its articles if it dies
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Begin listening to the helpers on the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._listeners = [self._loop.create_task(self._listen(n)) for n in range(len(self._processes))]

    async def _listen(self, helper: int) -> None:
        reader, self._writers[helper] = await asyncio.open_connection(sock=self._channels[helper])
        try:
            while True:
                self._resolve(helper, await _receive(reader))
        except (asyncio.IncompleteReadError, ConnectionError):
            self._lost(helper)

    def _lost(self, helper: int) -> None:
        """A helper's channel ended: its articles fail (a later --retry-failed redoes them); no more go to it."""
        self._ready[helper] = False
        owned = [t for t, owner in self._owner.items() if owner == helper]
        if not owned:
            return  # it ended with nothing of ours: a clean stop
        process = self._processes[helper]
        process.join(timeout=1)
        for token in owned:
            future = self._release(token)
            if future is not None and not future.done():
                future.set_exception(errors.BackendError(f"helper process {helper} died (exit code {process.exitcode})"))

    def _resolve(self, helper: int, message: tuple[Any, ...]) -> None:
        if message[0] == _READY:
            self._ready[helper] = True
            return
        future = self._release(message[0])
        if future is None or future.done():
            return
        if message[1] == "ok":
            # the brief was validated in the helper; here it stays JSON
            future.set_result((message[2], BriefMeta.model_validate_json(message[3])))
        else:
            future.set_exception(errors.error_from_data(message[2]))

    def _release(self, token: int) -> asyncio.Future[tuple[str, BriefMeta]] | None:
        """Forget ``token``: its helper has room again from now on, before its caller resumes."""
        helper = self._owner.pop(token, None)
        if helper is not None:
            self._busy[helper] -= 1
        return self._futures.pop(token, None)

    def free_helper(self) -> int | None:
        """A ready helper with room for one more article, the least busy first; else None."""
        best = None
        for number, ready in enumerate(self._ready):
            if ready and self._busy[number] < self.share and (best is None or self._busy[number] < self._busy[best]):
                best = number
        return best

    async def summarize(self, text: str, helper: int) -> tuple[str, BriefMeta]:
        """The brief of ``text`` (as JSON) and its metadata, from ``helper`` (see :meth:`free_helper`)."""
        if self._loop is None:
            raise RuntimeError("start() the pool first")
        writer = self._writers[helper]
        if writer is None or not self._ready[helper]:
            raise errors.BackendError(f"helper process {helper} is not ready")
        token = next(self._tokens)
        future: asyncio.Future[tuple[str, BriefMeta]] = self._loop.create_future()
        self._futures[token] = future
        self._owner[token] = helper
        self._busy[helper] += 1
        try:
            _send(writer, (token, text))  # at most ``share`` are out per helper
            return await future
        finally:
            self._release(token)

    async def aclose(self) -> None:
        """Stop the helpers: a ready one after the articles it holds, one still starting at once."""
        for helper, process in enumerate(self._processes):
            writer = self._writers[helper]
            if self._ready[helper] and writer is not None and not writer.is_closing():
                _send(writer, _STOP)
            elif process.is_alive():
                process.terminate()  # never ready: it holds no article, and waiting buys nothing
        if self._listeners:
            await asyncio.wait(self._listeners, timeout=STOP_WAIT_S)
        self.close()

    def close(self) -> None:
        """End every helper and channel now (what :meth:`aclose` leaves, or all of it without a loop).

        A helper reads the end of its channel and stops; one that does not within a few
        seconds is terminated.
        """
        for listener in self._listeners:
            listener.cancel()
        for writer in self._writers:
            if writer is not None and not writer.is_closing():
                try:
                    writer.close()
                except RuntimeError:  # its loop has ended
                    pass
        for channel in self._channels:
            channel.close()
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
