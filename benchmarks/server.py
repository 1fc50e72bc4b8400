"""A fast OpenAI-compatible chat-completions server for load benchmarks (127.0.0.1 only).

    python benchmarks/server.py [--port 0] [--latency SECONDS] [--rps-limit N] [--record-times]

Prints the port it listens on as its first stdout line. Every ``POST .../chat/completions``
gets, after ``--latency`` seconds (asyncio.sleep, so any number may wait at once), the
fixed brief of common.REPLY (grounded in every article of common.article) as a tool call
when the request has ``tools``, else as content, with usage. With ``--rps-limit N`` the
server allows N requests per 1-second window (windows of the monotonic clock): beyond
that a 429 with ``retry-after-ms`` = ms until the window ends. Every reply then carries
``x-ratelimit-limit-requests`` (N x 60, per minute as OpenAI reports it),
``x-ratelimit-remaining-requests`` (left in this window) and
``x-ratelimit-reset-requests`` (time until the window ends, e.g. ``0s500ms``).
``GET /stats`` gives the counts as JSON, ``POST /reset`` zeroes them (and answers with them).
With ``--record-times`` the counts also hold ``times``: the arrival of every request
(``time.time()``, 429s included, no cap), for rates over sliding windows.
Standard library only: asyncio streams and a minimal HTTP/1.1 keep-alive parser.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from common import REPLY

TOOL_CALL_CACHE: dict[str, bytes] = {}
CONTENT = json.dumps(REPLY)


class State:
    def __init__(self, latency: float, rps_limit: int | None, record_times: bool = False) -> None:
        self.latency, self.rps_limit, self.record_times = latency, rps_limit, record_times
        self.window, self.in_window = -1, 0
        self.reset()

    def reset(self) -> dict:
        self.counts = {"requests": 0, "ok": 0, "throttled": 0, "other": 0, "first": None, "last": None,
                       "max_in_flight": 0,
                       "throttled_at": [], "arrived_at": []}  # seconds after the first request (first 500)
        if self.record_times:
            self.counts["times"] = []  # every request's arrival, epoch seconds
        self.in_flight = 0
        return self.counts


def completion(body: dict, usage_prompt: int) -> bytes:
    message: dict = {"role": "assistant", "content": None, "refusal": None}
    if body.get("tools"):
        choice = body.get("tool_choice")
        name = choice["function"]["name"] if isinstance(choice, dict) else body["tools"][0]["function"]["name"]
        message["tool_calls"] = [{"id": "call_bench", "type": "function",
                                  "function": {"name": name, "arguments": CONTENT}}]
    else:
        message["content"] = CONTENT
    return json.dumps({
        "id": "chatcmpl-bench", "object": "chat.completion", "created": int(time.time()),
        "model": body.get("model") or "bench-model", "system_fingerprint": None,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": usage_prompt, "completion_tokens": 400, "total_tokens": usage_prompt + 400,
                  "prompt_tokens_details": {"cached_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 0}},
    }).encode()


def response(status: int, payload: bytes, headers: dict[str, str]) -> bytes:
    reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests", 400: "Bad Request"}.get(status, "Error")
    head = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json", f"Content-Length: {len(payload)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


def rate_headers(state: State) -> tuple[bool, dict[str, str]]:
    """(allowed, headers) for a request arriving now."""
    if state.rps_limit is None:
        return True, {}
    now = time.monotonic()
    window = int(now)
    if window != state.window:
        state.window, state.in_window = window, 0
    state.in_window += 1
    allowed = state.in_window <= state.rps_limit
    left_ms = max(1, int((window + 1 - now) * 1000))
    headers = {"x-ratelimit-limit-requests": str(state.rps_limit * 60),
               "x-ratelimit-remaining-requests": str(max(0, state.rps_limit - state.in_window)),
               "x-ratelimit-reset-requests": f"0s{left_ms}ms"}
    if not allowed:
        headers["retry-after-ms"] = str(left_ms)
    return allowed, headers


async def chat(state: State, raw: bytes) -> bytes:
    counts = state.counts
    counts["requests"] += 1
    counts["first"] = counts["first"] or time.time()
    allowed, headers = rate_headers(state)
    if state.record_times:
        counts["times"].append(time.time())
    if len(counts["arrived_at"]) < 500:
        counts["arrived_at"].append(round(time.time() - counts["first"], 3))
    if not allowed:
        counts["throttled"] += 1
        counts["last"] = time.time()
        if len(counts["throttled_at"]) < 500:
            counts["throttled_at"].append(round(counts["last"] - counts["first"], 3))
        error = {"error": {"message": "Rate limit reached for requests", "type": "requests",
                           "param": None, "code": "rate_limit_exceeded"}}
        return response(429, json.dumps(error).encode(), headers)
    state.in_flight += 1
    counts["max_in_flight"] = max(counts["max_in_flight"], state.in_flight)
    try:
        body = json.loads(raw)
        if state.latency > 0:
            await asyncio.sleep(state.latency)
    except ValueError:
        counts["other"] += 1
        return response(400, b'{"error": {"message": "not JSON", "type": "invalid_request_error"}}', headers)
    finally:
        state.in_flight -= 1
    counts["ok"] += 1
    counts["last"] = time.time()
    return response(200, completion(body, len(raw) // 4), headers)


async def route(state: State, method: bytes, path: bytes, body: bytes) -> bytes:
    path = path.split(b"?", 1)[0].rstrip(b"/")
    if method == b"POST" and path in (b"/v1/chat/completions", b"/chat/completions"):
        return await chat(state, body)
    if method == b"GET" and path == b"/stats":
        return response(200, json.dumps(state.counts).encode(), {})
    if method == b"POST" and path == b"/reset":  # answers with the counts it zeroed
        before = state.counts
        state.reset()
        return response(200, json.dumps(before).encode(), {})
    return response(404, b'{"error": {"message": "no route", "type": "invalid_request_error"}}', {})


async def handle(state: State, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            method, path, _ = lines[0].split(b" ", 2)
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection":
                    close = value.strip().lower() == b"close"
            body = await reader.readexactly(length) if length else b""
            writer.write(await route(state, method, path, body))
            await writer.drain()
            if close:
                break
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--rps-limit", type=int, default=None)
    parser.add_argument("--record-times", action="store_true", help="keep every request's arrival time in /stats")
    args = parser.parse_args(argv)
    state = State(args.latency, args.rps_limit, args.record_times)
    srv = await asyncio.start_server(lambda r, w: handle(state, r, w), "127.0.0.1", args.port, backlog=1024)
    print(srv.sockets[0].getsockname()[1], flush=True)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
