"""An OpenAI-compatible chat-completions server on loopback, scripted by the test.

The real ``openai`` client (and ``instructor`` over it) talks HTTP to this server, so the
whole client stack runs: request building, headers, timeouts, status-code exceptions,
response parsing. Standard library only.

    with LoopbackServer() as server:
        server.enqueue(brief({"headline": "..."}), error(429, headers={"Retry-After": "1"}))
        client = openai.OpenAI(base_url=server.url, api_key="sk-test", max_retries=0)
        ...
        assert server.requests[0].body["model"] == "test-model"

Each ``POST /v1/chat/completions`` (or ``/chat/completions``) consumes one scripted reply,
in order. ``respond(function)`` is a reply made from the request itself: the function gets
the request's parsed JSON body and returns the reply (for requests that arrive in no fixed
order, such as the concurrent parts of one long article). When the script is empty the server answers with ``server.default``, by default
a 500 "script exhausted", so a test that makes one call too many fails instead of hanging.

A successful reply carries a payload in the form the *request* asked for, so one script
works in every instructor mode:

    request has ``tools``                  -> ``message.tool_calls[0].function.arguments``
    request mentions "```json" (MD_JSON)   -> ``message.content`` wrapped in a ```json fence
    otherwise (JSON_SCHEMA, JSON, none)    -> ``message.content``

Asked with ``stream: true``, a completion is sent as server-sent events, its payload in
pieces (``Completion.stream_pieces``, ``stream_interval``, ``stream_stall``), the usage in
a last chunk when ``stream_options.include_usage`` asks for it. ``GET /v1/models`` lists
``server.models`` (404 while it is None); those requests are kept in ``server.listings``,
apart from ``server.requests``.

Faults beyond status codes: ``drop()`` closes the connection, ``delay()`` answers late,
``hang()`` never answers, ``trickle()`` sends headers then a byte at a time and never
finishes, ``refusal()`` and ``no_tool_call()`` are 200s without the structured payload.
"""

from __future__ import annotations

import itertools
import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Union

__all__ = [
    "Completion",
    "Delay",
    "Drop",
    "Error",
    "LoopbackServer",
    "RecordedRequest",
    "Reply",
    "Trickle",
    "brief",
    "delay",
    "drop",
    "error",
    "hang",
    "length",
    "no_tool_call",
    "quota_exhausted",
    "raw_content",
    "refusal",
    "respond",
    "Respond",
    "trickle",
]

# Hard ceiling on any scripted wait, so a mistaken delay(600, ...) cannot stall the suite.
MAX_DELAY = 10.0
CHAT_PATHS = frozenset({"/v1/chat/completions", "/chat/completions"})


# --- replies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """A 200 chat completion whose text is placed where the request expects it.

    ``fenced``: ``None`` wraps the text in a ```json fence only when the request looks like
    instructor's MD_JSON mode; ``True``/``False`` force it.
    """

    text: str
    usage: tuple[int, int] | None = (10, 5)  # (prompt, completion) tokens; None sends no usage block
    finish_reason: str = "stop"
    cached_tokens: int = 0
    fenced: bool | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    # A model that ignored tool_choice: ``text`` goes to ``message.content`` even when the
    # request has tools, and no tool call is made.
    as_content: bool = False
    # A refusal: ``message.refusal`` carries it and ``message.content`` is null.
    refusal: str | None = None
    # Asked with ``stream: true``: the payload goes in this many pieces, one every
    # ``stream_interval`` seconds; ``stream_stall`` seconds of silence follow the first.
    stream_pieces: int = 4
    stream_interval: float = 0.0
    stream_stall: float = 0.0
    # False: no usage chunk even when asked for (llama-cpp-python sends none when streaming)
    stream_usage: bool = True
    # Fields set on ``message`` last, as given (e.g. ``{"reasoning_content": "..."}``, or a
    # ``content`` beside the tool call): what some server sends beyond the payload.
    message: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Error:
    """An OpenAI-style error body ``{"error": {message, type, param, code}}`` with a status."""

    status: int
    message: str
    type: str
    code: str | None = None
    param: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Drop:
    """Close the connection without sending any response."""


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` (capped at MAX_DELAY, cut short by stop()), then send ``then``."""

    seconds: float
    then: Reply


@dataclass(frozen=True)
class Trickle:
    """Send a 200's headers announcing a large body, then one byte every ``interval``
    seconds, never finishing (until MAX_DELAY or stop(), then the connection is closed)."""

    interval: float = 0.2


@dataclass(frozen=True)
class Raw:
    """Any JSON body with any status, as a server that does not follow the API might send."""

    status: int
    body: Any


@dataclass(frozen=True)
class Respond:
    """A reply computed from the request: ``function(body)`` returns the reply to send."""

    function: Callable[[Mapping[str, Any]], Any]


Reply = Union[Completion, Error, Drop, Delay, Trickle, Respond, Raw]


def brief(
    payload: Mapping[str, Any] | list[Any],
    *,
    usage: tuple[int, int] = (10, 5),
    finish_reason: str = "stop",
    cached_tokens: int = 0,
    fenced: bool | None = None,
    headers: Mapping[str, str] | None = None,
    message: Mapping[str, Any] | None = None,
) -> Completion:
    """A successful completion carrying ``payload`` JSON-encoded, in the requested form.

    ``usage=None`` sends no usage block; ``message`` adds fields to the message as given.
    """
    return Completion(
        json.dumps(payload, ensure_ascii=False),
        usage=usage,
        finish_reason=finish_reason,
        cached_tokens=cached_tokens,
        fenced=fenced,
        headers=dict(headers or {}),
        message=dict(message or {}),
    )


def raw_content(
    text: str,
    *,
    usage: tuple[int, int] | None = (10, 5),
    finish_reason: str = "stop",
    fenced: bool | None = False,
    headers: Mapping[str, str] | None = None,
    message: Mapping[str, Any] | None = None,
) -> Completion:
    """A successful completion carrying arbitrary ``text`` (e.g. malformed JSON) verbatim.

    Not fenced by default: the text is exactly what the client sees.
    """
    return Completion(
        text, usage=usage, finish_reason=finish_reason, fenced=fenced, headers=dict(headers or {}),
        message=dict(message or {}),
    )


def length(
    payload_or_text: Mapping[str, Any] | str,
    *,
    usage: tuple[int, int] = (10, 5),
    headers: Mapping[str, str] | None = None,
) -> Completion:
    """A completion cut off by the token limit: ``finish_reason="length"``, text truncated.

    A dict is JSON-encoded then cut in half, the way a real truncation leaves it unparseable.
    A string is sent as given.
    """
    if isinstance(payload_or_text, str):
        text = payload_or_text
    else:
        encoded = json.dumps(payload_or_text, ensure_ascii=False)
        text = encoded[: max(1, len(encoded) // 2)]
    return Completion(
        text, usage=usage, finish_reason="length", fenced=False, headers=dict(headers or {})
    )


def refusal(message: str = "I can't help with that.", *, usage: tuple[int, int] = (10, 5)) -> Completion:
    """A 200 whose message is a refusal: ``refusal`` set, ``content`` null, no tool call."""
    return Completion("", usage=usage, fenced=False, refusal=message)


def no_tool_call(text: str = "", *, usage: tuple[int, int] = (10, 5)) -> Completion:
    """A 200 with ``text`` as plain content and no tool call, even when tools were requested
    (``""`` sends an empty content)."""
    return Completion(text, usage=usage, fenced=False, as_content=True)


# Realistic defaults per status, as the OpenAI API sends them (type, code).
_ERROR_DEFAULTS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("permission_error", None),
    404: ("invalid_request_error", "model_not_found"),
    408: ("timeout", None),
    409: ("conflict_error", None),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", None),
}


def error(
    status: int,
    *,
    message: str | None = None,
    type: str | None = None,  # noqa: A002 - mirrors the field of the OpenAI error body
    code: str | None = None,
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Error:
    """An error reply; ``type``/``code`` default to what the OpenAI API sends for ``status``."""
    default_type, default_code = _ERROR_DEFAULTS.get(status, ("api_error", None))
    return Error(
        status=status,
        message=message if message is not None else f"loopback: scripted error {status}",
        type=type if type is not None else default_type,
        code=code if code is not None else default_code,
        param=param,
        headers=dict(headers or {}),
    )


def quota_exhausted(headers: Mapping[str, str] | None = None) -> Error:
    """OpenAI's 429 for an account out of credit (``insufficient_quota``), not a rate limit."""
    return Error(
        status=429,
        message="You exceeded your current quota, please check your plan and billing details.",
        type="insufficient_quota",
        code="insufficient_quota",
        headers=dict(headers or {}),
    )


def raw_json(body: Any, status: int = 200) -> Raw:
    """``body`` as the whole reply, with ``status``."""
    return Raw(status, body)


def drop() -> Drop:
    """Close the connection without a response (the client sees a connection error)."""
    return Drop()


def respond(function: Callable[[Mapping[str, Any]], Reply]) -> Respond:
    """A reply made by ``function`` from the request's parsed JSON body (``{}`` if not JSON)."""
    return Respond(function)


def delay(seconds: float, reply: Reply) -> Delay:
    """Send ``reply`` after ``seconds`` (at most MAX_DELAY; ends early when the server stops)."""
    return Delay(float(seconds), reply)


def hang() -> Delay:
    """Accept the request and never answer (until MAX_DELAY or stop(), then close)."""
    return Delay(MAX_DELAY, Drop())


def trickle(interval: float = 0.2) -> Trickle:
    """Headers, then a byte every ``interval`` seconds, never finishing."""
    return Trickle(float(interval))


# --- recording -------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it; ``body`` is the parsed JSON, or None if not JSON."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    time: float  # time.monotonic() on arrival


# --- rendering a completion in the form the request asked for ---------------------------


def _mentions_json_fence(messages: Any) -> bool:
    """True when a message mentions a ```json fence, as instructor's MD_JSON prompt does."""
    for message in messages if isinstance(messages, list) else []:
        content = message.get("content") if isinstance(message, dict) else None
        parts = content if isinstance(content, list) else [content]
        for part in parts:
            text = part.get("text") if isinstance(part, dict) else part
            if isinstance(text, str) and "```json" in text:
                return True
    return False


def _requested_tool_name(body: Mapping[str, Any]) -> str:
    """The function the request forces via ``tool_choice``, else its first tool's name."""
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return str(choice["function"].get("name", "tool"))
    tools = body.get("tools") or [{}]
    return str((tools[0].get("function") or {}).get("name", "tool"))


def _completion_body(reply: Completion, body: Mapping[str, Any], number: int) -> dict[str, Any]:
    """The JSON of a chat.completion answering ``body``."""
    finish_reason = reply.finish_reason
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": reply.refusal}

    if reply.refusal is not None:
        pass  # a refusal carries no content and no tool call
    elif reply.as_content:
        message["content"] = reply.text
    elif body.get("tools"):
        message["tool_calls"] = [
            {
                "id": f"call_loopback_{number}",
                "type": "function",
                "function": {"name": _requested_tool_name(body), "arguments": reply.text},
            }
        ]
        # The API reports "tool_calls" when the model chose to call a tool, but "stop"
        # when tool_choice forced a named function (what instructor's TOOLS mode sends).
        # instructor 1.17 only looks for "length"; mimic the API anyway.
        if finish_reason == "stop" and not isinstance(body.get("tool_choice"), dict):
            finish_reason = "tool_calls"
    else:
        fenced = reply.fenced
        if fenced is None:
            fenced = "response_format" not in body and _mentions_json_fence(body.get("messages"))
        message["content"] = f"```json\n{reply.text}\n```" if fenced else reply.text
    message.update(reply.message)

    completion = {
        "id": f"chatcmpl-loopback-{number}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model") or "loopback-model",
        "system_fingerprint": None,
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
        ],
    }
    if reply.usage is not None:
        prompt_tokens, completion_tokens = reply.usage
        completion["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": reply.cached_tokens},
            "completion_tokens_details": {"reasoning_tokens": 0},
        }
    return completion


# --- the server ------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive, as a real API speaks; every response sets Content-Length.
    protocol_version = "HTTP/1.1"
    # A client that connects and never finishes its request must not pin a thread forever.
    timeout = 5
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Silent: a test server has nothing to say on stderr."""

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without NODELAY, Nagle's algorithm meets the
        # client's delayed ACK and every reply stalls ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass  # the client already went away (timeout tests); nothing to flush to
        finally:
            self.server.owner._track(self.connection, add=False)

    def do_POST(self) -> None:
        owner = self.server.owner
        body = self._read_body()
        path = self.path.split("?", 1)[0].rstrip("/")
        owner._record(self, path, body)
        if path not in CHAT_PATHS:
            self._send_error(error(404, message=f"loopback: no route for POST {path}", code=None))
            return
        self._answer(owner._next_reply(), body if isinstance(body, dict) else {})

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0].rstrip("/")
        owner._record(self, path, None, listing=True)
        if path in ("/v1/models", "/models") and owner.models is not None:
            self._send_json(200, {"object": "list", "data": list(owner.models)}, {})
            return
        self._send_error(error(404, message=f"loopback: no route for GET {path}", code=None))

    def _read_body(self) -> Any:
        size = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(size) if size else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None

    def _answer(self, reply: Reply, body: Mapping[str, Any]) -> None:
        owner = self.server.owner
        try:
            while isinstance(reply, Respond):
                reply = reply.function(body)
            while isinstance(reply, Delay):
                if owner._stopping.wait(min(max(reply.seconds, 0.0), MAX_DELAY)):
                    reply = Drop()  # stopping: leave at once, answer nothing
                else:
                    reply = reply.then
            if isinstance(reply, Drop):
                self._drop()
            elif isinstance(reply, Error):
                self._send_error(reply)
            elif isinstance(reply, Completion) and body.get("stream"):
                self._stream(reply, _completion_body(reply, body, owner._count()), body)
            elif isinstance(reply, Completion):
                self._send_json(200, _completion_body(reply, body, owner._count()), reply.headers)
            elif isinstance(reply, Trickle):
                self._trickle(reply)
            elif isinstance(reply, Raw):
                self._send_json(reply.status, reply.body, {})
            else:
                raise TypeError(f"not a loopback reply: {reply!r}")
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client gave up first (a timeout test)
        except Exception as exc:
            # A bug in the script or the server: say so to the client instead of a bare
            # disconnect, and keep it for the test to inspect.
            owner._record_error(exc)
            self._send_error(error(500, message=f"loopback server error: {exc!r}"))

    def _send_error(self, reply: Error) -> None:
        payload = {
            "error": {
                "message": reply.message,
                "type": reply.type,
                "param": reply.param,
                "code": reply.code,
            }
        }
        self._send_json(reply.status, payload, reply.headers)

    def _send_json(self, status: int, payload: Any, headers: Mapping[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", f"req_loopback_{len(self.server.owner.requests)}")
        for name, value in headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, reply: Completion, whole: dict[str, Any], body: Mapping[str, Any]) -> None:
        """``whole`` as server-sent events: a role chunk, the payload in pieces, the finish, the usage."""
        owner = self.server.owner
        message, choice = whole["choices"][0]["message"], whole["choices"][0]
        head = {key: whole[key] for key in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
        calls = message.get("tool_calls")
        text = calls[0]["function"]["arguments"] if calls else (message.get("content") or "")
        size = max(1, -(-len(text) // max(reply.stream_pieces, 1)))
        pieces = [text[i:i + size] for i in range(0, len(text), size)] or [""]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

        def event(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> None:
            chunk = {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()

        event({"role": "assistant", "content": ""})
        if message.get("refusal"):
            event({"refusal": message["refusal"]})
        for name in ("reasoning_content", "reasoning"):  # a reasoning model thinks first, in its own field
            if isinstance(message.get(name), str):
                event({name: message[name]})
        for number, piece in enumerate(pieces):
            if calls:
                call = {"index": 0, "function": {"arguments": piece}}
                if number == 0:
                    call |= {"id": calls[0]["id"], "type": "function", "function": {
                        "name": calls[0]["function"]["name"], "arguments": piece}}
                event({"tool_calls": [call]})
            elif piece:
                event({"content": piece})
            wait = reply.stream_stall if number == 0 and reply.stream_stall else reply.stream_interval
            if wait and owner._stopping.wait(min(wait, MAX_DELAY)):
                self._drop()
                return
        event({}, choice["finish_reason"])
        if reply.stream_usage and whole.get("usage") and (body.get("stream_options") or {}).get("include_usage"):
            chunk = {**head, "choices": [], "usage": whole["usage"]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _trickle(self, reply: Trickle) -> None:
        owner = self.server.owner
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(1 << 20))  # promised, never delivered
        self.end_headers()
        self.wfile.flush()
        interval = min(max(reply.interval, 0.01), MAX_DELAY)
        started = time.monotonic()
        # JSON whitespace, so every byte is a valid start of the promised body
        while not owner._stopping.wait(interval) and time.monotonic() - started < MAX_DELAY:
            self.wfile.write(b" ")
            self.wfile.flush()
        self._drop()

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: LoopbackServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: connection resets are expected in drop/timeout tests; the rest is kept."""
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, (ConnectionError, TimeoutError)):
            self.owner._record_error(exc)


class LoopbackServer:
    """A scripted OpenAI-compatible server on 127.0.0.1, in a daemon thread.

    Attributes:
        default: the reply sent when the script is empty (500 "script exhausted").
    """

    def __init__(self) -> None:
        self.default: Reply = error(
            500,
            message="loopback: script exhausted (enqueue a reply for every request)",
            type="server_error",
            code="script_exhausted",
        )
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self._requests: list[RecordedRequest] = []
        self._listings: list[RecordedRequest] = []
        # What GET /v1/models lists (None: 404), e.g. [{"id": "m", "object": "model", "owned_by": "vllm"}]
        self.models: list[dict[str, Any]] | None = None
        self._errors: list[BaseException] = []
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._counter = itertools.count(1)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> LoopbackServer:
        """Bind an OS-chosen port on 127.0.0.1 and serve in a daemon thread."""
        if self._httpd is not None:
            return self
        self._stopping.clear()
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        self._httpd = httpd
        # A short poll interval so stop() returns well within a second.
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"loopback-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: end pending delays, close open connections, free the port."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # keep-alive handlers would otherwise idle until timeout
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=1)

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # addresses

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("LoopbackServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The base_url for the openai client: ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    # script and records

    def enqueue(self, *replies: Reply) -> None:
        """Append replies to the script; each request consumes the next one."""
        for reply in replies:
            if not isinstance(reply, (Completion, Error, Drop, Delay, Trickle, Respond, Raw)):
                raise TypeError(f"not a loopback reply: {reply!r}")
        with self._lock:
            self._script.extend(replies)

    @property
    def pending(self) -> int:
        """How many scripted replies have not been consumed yet."""
        with self._lock:
            return len(self._script)

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every POST received so far, in arrival order (GETs are in ``listings``)."""
        with self._lock:
            return list(self._requests)

    @property
    def listings(self) -> list[RecordedRequest]:
        """The GET requests (``/v1/models``) received so far, in order."""
        with self._lock:
            return list(self._listings)

    @property
    def errors(self) -> list[BaseException]:
        """Unexpected exceptions inside the server (a healthy run has none)."""
        with self._lock:
            return list(self._errors)

    # called from handler threads

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def _count(self) -> int:
        with self._lock:
            return next(self._counter)

    def _record(self, handler: _Handler, path: str, body: Any, listing: bool = False) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        request = RecordedRequest(handler.command, path, headers, body, time.monotonic())
        with self._lock:
            (self._listings if listing else self._requests).append(request)

    def _record_error(self, exc: BaseException) -> None:
        with self._lock:
            self._errors.append(exc)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)
