"""Each kind of server is sent the schema in the form it accepts, found from its /v1/models.

The real openai client and instructor over HTTP to the loopback server, which lists the
models a real server of each kind would (``owned_by``) and records what it was sent.
"""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer import Summarizer
from summarizer.backends.openai.dialects import server_kind
from summarizer.cli import app
from summarizer.config import Mode, ServerKind, resolve_settings
from summarizer.errors import APIRequestError
from test_llm_backend import ARTICLE, REPLY

runner = CliRunner()


def listing(owner: str) -> list[dict]:
    return [{"id": "m", "object": "model", "created": 0, "owned_by": owner}]


def make(server: lb.LoopbackServer, **options) -> Summarizer:
    options.setdefault("max_retry_wait", 0.05)
    options.setdefault("stream", False)
    return Summarizer(backend="openai", base_url=server.url, api_key="sk-test-dialects", model="m", **options)


def response_format(request) -> dict:
    return request.body["response_format"]


@pytest.mark.parametrize("owner", ["me", "llamacpp"])  # llama-cpp-python, then llama.cpp's llama-server
def test_llama_cpp_gets_the_schema_inside_json_object(loopback, owner):
    loopback.models = listing(owner)
    loopback.enqueue(lb.brief(REPLY))
    with make(loopback) as summarizer:
        brief = summarizer.summarize(ARTICLE)
    sent = response_format(loopback.requests[0])
    assert sent["type"] == "json_object" and "headline" in sent["schema"]["properties"]
    assert "tools" not in loopback.requests[0].body
    assert brief.meta.mode == "json_schema" and len(loopback.listings) == 1


@pytest.mark.parametrize("owner", ["vllm", "library", "organization_owner"])  # vLLM, Ollama, LM Studio
def test_vllm_ollama_and_lm_studio_get_response_format_json_schema(loopback, owner):
    loopback.models = listing(owner)
    loopback.enqueue(lb.brief(REPLY), lb.brief(REPLY))
    with make(loopback) as summarizer:
        summarizer.summarize(ARTICLE)
        summarizer.summarize(ARTICLE)
    sent = response_format(loopback.requests[0])
    assert sent["type"] == "json_schema" and "headline" in sent["json_schema"]["schema"]["properties"]
    assert len(loopback.listings) == 1  # asked once per backend, not per brief


def test_a_server_that_lists_nothing_is_asked_in_tools_mode(loopback):
    loopback.enqueue(lb.brief(REPLY))  # models is None: GET /v1/models is a 404
    with make(loopback) as summarizer:
        brief = summarizer.summarize(ARTICLE)
    body = loopback.requests[0].body
    assert body["tools"] and "response_format" not in body and brief.meta.mode == "tools"
    assert [r.path for r in loopback.listings] == ["/v1/models"]


def test_the_server_option_skips_the_listing(loopback):
    loopback.models = listing("vllm")  # what it lists is not asked
    loopback.enqueue(lb.brief(REPLY))
    with make(loopback, server_kind="llamacpp") as summarizer:
        summarizer.summarize(ARTICLE)
    assert loopback.listings == [] and response_format(loopback.requests[0])["type"] == "json_object"


def test_an_explicit_json_schema_mode_is_translated_for_llama_cpp(loopback):
    loopback.models = listing("me")
    loopback.enqueue(lb.brief(REPLY))
    with make(loopback, mode="json_schema") as summarizer:
        summarizer.summarize(ARTICLE)
    assert response_format(loopback.requests[0])["type"] == "json_object"


def test_a_refused_mode_falls_back_once_to_the_next_and_stays_there(loopback, caplog):
    loopback.models = listing("vllm")
    loopback.enqueue(lb.error(400, message="response_format type json_schema is not supported by this server"),
                     lb.brief(REPLY), lb.brief(REPLY))
    with make(loopback) as summarizer:
        first = summarizer.summarize(ARTICLE)
        second = summarizer.summarize(ARTICLE)
    bodies = [r.body for r in loopback.requests]
    assert len(bodies) == 3 and "response_format" in bodies[0]
    assert bodies[1]["tools"] and bodies[2]["tools"]  # the next brief starts in the mode that worked
    assert first.meta.mode == second.meta.mode == "tools"
    note = [w for w in first.meta.warnings if "refused mode json_schema" in w]
    assert note and "mode tools was used instead" in note[0] and note == [
        w for w in second.meta.warnings if "refused" in w]
    assert sum("refused mode json_schema" in r.getMessage() for r in caplog.records) == 1


def test_a_500_request_validation_error_also_falls_back(loopback):
    # llama-cpp-python's answer to a response_format type it does not know
    message = ("1 validation error for CreateChatCompletionRequest\n"
               "{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
               "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}")
    loopback.models = listing("vllm")
    loopback.enqueue(lb.error(500, message=message), lb.brief(REPLY))
    with make(loopback) as summarizer:
        brief = summarizer.summarize(ARTICLE)
    assert len(loopback.requests) == 2 and brief.meta.mode == "tools" and brief.meta.transport_retries == 0


def test_every_mode_refused_is_one_error_after_one_request_per_mode(loopback):
    loopback.models = listing("vllm")
    loopback.default = lb.error(400, message="this server does not support tools or response_format")
    with make(loopback) as summarizer, pytest.raises(APIRequestError) as raised:
        summarizer.summarize(ARTICLE)
    assert len(loopback.requests) == 3  # json_schema, tools, json: each once, none retried
    assert "\n" not in str(raised.value) and "HTTP 400" in str(raised.value)


def test_a_refusal_that_is_not_about_the_mode_does_not_fall_back(loopback):
    loopback.models = listing("vllm")
    loopback.default = lb.error(400, message="This model's maximum context length is 4096 tokens, "
                                             "in the messages and the tools")
    with make(loopback) as summarizer, pytest.raises(APIRequestError):
        summarizer.summarize(ARTICLE)
    assert len(loopback.requests) == 1


def test_an_explicit_mode_refused_is_one_line_naming_what_to_pass_without_a_retry(loopback, tmp_path):
    loopback.default = lb.error(400, message="registry.ollama.ai/library/gemma:2b does not support tools")
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", loopback.url,
                                 "--model", "m", "--mode", "tools"])
    assert result.exit_code == 1 and len(loopback.requests) == 1
    line = result.stderr.strip()
    assert "\n" not in line and "does not take --mode tools: pass --mode auto" in line, line


def test_the_async_path_learns_the_kind_once_for_many_briefs_at_once(loopback):
    loopback.models = listing("me")
    loopback.default = lb.brief(REPLY)

    async def run():
        async with make(loopback) as summarizer:
            return await asyncio.gather(*(summarizer.asummarize(ARTICLE) for _ in range(6)))

    briefs = asyncio.run(run())
    assert len(briefs) == 6 and len(loopback.listings) == 1
    assert {response_format(r)["type"] for r in loopback.requests} == {"json_object"}


@pytest.mark.parametrize("base_url, owners, kind", [
    (None, None, ServerKind.openai),
    ("http://127.0.0.1:11434/v1", None, ServerKind.ollama),
    ("http://127.0.0.1:1234/v1", None, ServerKind.lmstudio),
    ("http://127.0.0.1:8000/v1", ["vllm"], ServerKind.vllm),
    ("http://gpu-box:8080/v1", ["someone"], ServerKind.generic),
])
def test_the_kind_of_server(base_url, owners, kind):
    assert server_kind(resolve_settings(environ={}, base_url=base_url, model="m"), owners) is kind


@pytest.mark.parametrize("base_url, private", [
    ("http://127.0.0.1:8080/v1", True), ("http://localhost:11434/v1", True), ("http://10.1.2.3/v1", True),
    ("http://192.168.0.7:8000/v1", True), ("http://[::1]:8000/v1", True), ("http://gpu.local/v1", True),
    ("https://api.openai.com/v1", False), ("https://8.8.8.8/v1", False), (None, False),
])
def test_which_servers_are_on_a_private_network(base_url, private):
    settings = resolve_settings(environ={}, base_url=base_url, model="m")
    assert settings.on_private_network is private
    assert settings.retries_timeouts is not private  # a private server's timed-out call is not sent again
    assert settings.with_overrides(retry_timeouts=True).retries_timeouts is True


def test_mode_auto_is_the_default_and_tools_on_openai():
    settings = resolve_settings(environ={})
    assert settings.mode is Mode.auto and server_kind(settings, None) is ServerKind.openai
