"""Provider batch files (OpenAI Batch API / vllm run-batch): request export and result import.

The import tests build the provider's output and error files by hand, in the documented
format, with short fictional articles, and check the project's batch output line by line.
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from summarizer import prompts
from summarizer.batch.provider_files import export_requests, read_request_ids, request_body
from summarizer.batch.provider_import import ImportSummary, import_results
from summarizer.config import resolve_settings
from summarizer.errors import InputError
from summarizer.evaluate.predictions import read_predictions
from summarizer.models import Brief, BriefMeta


@dataclass
class Article:
    id: str
    text: str


COUNTRIES = [
    ("Norvania", "Norvanian", "Elsa Brandt", "Kerolia", "Kerolian", "Pavel Ostrov"),
    ("Tarsia", "Tarsian", "Omar Haddi", "Velmont", "Velmontese", "Lucie Faure"),
    ("Ostria", "Ostrian", "Jonas Lind", "Marvia", "Marvian", "Anika Rao"),
    ("Belcora", "Belcoran", "Ruth Adeyemi", "Sundal", "Sundalese", "Ivo Petrak"),
    ("Quellan", "Quellani", "Mara Voss", "Dresk", "Dreskian", "Tomas Ek"),
    ("Ardenia", "Ardenian", "Hugo Sena", "Lirith", "Lirithian", "Nadia Kova"),
    ("Cestia", "Cestian", "Paula Mint", "Orvell", "Orvellian", "Bram Tolle"),
]


def article_text(index: int) -> str:
    country, adjective, minister, other, other_adj, counterpart = COUNTRIES[index]
    percent = 10 + index
    return (
        f"{adjective} Foreign Minister {minister} met her {other_adj} counterpart {counterpart} "
        f"in the capital of {other} on Monday.\n\n"
        f"\u201cTrade between our countries grew {percent} percent last year,\u201d {minister.split()[1]} said.\n\n"
        f"{counterpart.split()[1]} warned that smuggling across the shared border remains a serious threat."
    )


def good_reply(index: int) -> dict:
    country, adjective, minister, other, other_adj, counterpart = COUNTRIES[index]
    percent = 10 + index
    evidence = f"Trade between our countries grew {percent} percent last year"
    return {
        "headline": f"{country} and {other} foreign ministers meet",
        "summary": f"{minister} met {counterpart}. Trade grew {percent} percent.",
        "participants": [
            {"name": minister, "aliases": [minister.split()[1]], "role": f"Foreign Minister of {country}",
             "affiliation": country, "kind": "person"},
            {"name": counterpart, "aliases": [counterpart.split()[1]], "role": None,
             "affiliation": other, "kind": "person"},
        ],
        "topics": [{"label": "bilateral trade", "category": "economy_trade", "evidence": [evidence]}],
        "figures": [
            {"text": f"{percent} percent", "value": percent, "value_max": None, "unit": "percent",
             "qualifier": "exact", "measure": "trade growth", "period": "last year", "speaker": minister,
             "evidence": evidence},
        ],
        "security_concerns": [
            {"issue": "smuggling across the border", "region": None, "raised_by": counterpart,
             "evidence": "smuggling across the shared border remains a serious threat"},
        ],
    }


def completion(content: str, *, finish_reason: str = "stop", usage: tuple[int, int, int] = (812, 143, 768),
               model: str = "gpt-4o-mini-2024-07-18", refusal: str | None = None) -> dict:
    prompt_tokens, completion_tokens, cached = usage
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": refusal},
            "logprobs": None,
            "finish_reason": finish_reason,
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        },
        "system_fingerprint": "fp_test",
    }


def output_line(custom_id: str, body: dict, status: int = 200) -> dict:
    return {
        "id": f"batch_req_{custom_id}",
        "custom_id": custom_id,
        "response": {"status_code": status, "request_id": f"req_{custom_id}", "body": body},
        "error": None,
    }


def expired_line(custom_id: str) -> dict:
    return {
        "id": f"batch_req_{custom_id}",
        "custom_id": custom_id,
        "response": None,
        "error": {"code": "batch_expired",
                  "message": "This request could not be executed before the completion window expired."},
    }


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture
def settings():
    return resolve_settings(environ={}, model="gpt-4o-mini", temperature=0.0, max_output_tokens=2048)


def articles(count: int) -> list[Article]:
    return [Article(f"art-{i}", article_text(i % len(COUNTRIES))) for i in range(count)]


# --- export ------------------------------------------------------------------------------


def test_request_line_has_the_batch_shape_and_the_online_prompt(tmp_path, settings):
    article = Article("a-1", article_text(0))
    [path] = export_requests([article], tmp_path / "out" / "requests", settings)
    assert path == tmp_path / "out" / "requests-0001.jsonl"
    [line] = read_jsonl(path)
    assert set(line) == {"custom_id", "method", "url", "body"}
    assert line["custom_id"] == "a-1" and line["method"] == "POST" and line["url"] == "/v1/chat/completions"
    body = line["body"]
    assert body["model"] == "gpt-4o-mini"
    assert body["temperature"] == 0.0 and body["max_tokens"] == 2048
    assert body["messages"] == prompts.messages(article.text)
    assert body["messages"][0] == {"role": "system", "content": prompts.system_prompt()}
    assert body["messages"][-1]["role"] == "user" and article.text in body["messages"][-1]["content"]
    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "brief"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    encoded = json.dumps(schema)
    assert "minLength" not in encoded and "maxLength" not in encoded and '"title"' not in encoded
    assert schema["additionalProperties"] is False
    assert all(d["additionalProperties"] is False for d in schema["$defs"].values() if d.get("type") == "object")
    assert set(schema["required"]) == set(schema["properties"])
    assert body == request_body(article.text, settings)


def test_no_max_tokens_when_no_output_budget_is_set():
    body = request_body("Some article.", resolve_settings(environ={}, max_output_tokens=0))
    assert "max_tokens" not in body


def test_split_by_count(tmp_path, settings):
    paths = export_requests(articles(7), tmp_path / "requests", settings, max_requests=3)
    assert [p.name for p in paths] == ["requests-0001.jsonl", "requests-0002.jsonl", "requests-0003.jsonl"]
    assert [len(read_jsonl(p)) for p in paths] == [3, 3, 1]
    assert read_request_ids(paths) == [f"art-{i}" for i in range(7)]


def test_split_by_bytes_never_passes_the_limit(tmp_path, settings):
    batch = articles(5)
    probe = export_requests(batch[:1], tmp_path / "probe", settings)
    one_line = probe[0].stat().st_size
    limit = 2 * one_line + one_line // 2  # room for two lines, not three
    paths = export_requests(batch, tmp_path / "requests", settings, max_bytes=limit)
    assert [len(read_jsonl(p)) for p in paths] == [2, 2, 1]
    assert all(p.stat().st_size <= limit for p in paths)
    assert read_request_ids(paths) == [a.id for a in batch]


def test_a_request_larger_than_max_bytes_is_refused(tmp_path, settings):
    with pytest.raises(InputError, match="art-0.*max_bytes"):
        export_requests(articles(1), tmp_path / "requests", settings, max_bytes=1000)


def test_duplicate_custom_id_is_refused_and_no_partial_files_remain(tmp_path, settings):
    batch = articles(4) + [Article("art-1", "Another text.")]
    with pytest.raises(InputError, match="duplicate id 'art-1'"):
        export_requests(batch, tmp_path / "requests", settings, max_requests=2)
    assert list(tmp_path.iterdir()) == []


def test_articles_that_cannot_be_sent_are_skipped_through_on_skip_or_refused(tmp_path, settings):
    from summarizer.batch.sources import Article as SourceArticle

    batch = [
        SourceArticle("good", article_text(0), {}, "in.jsonl:1"),
        SourceArticle("binary", "", {}, "docs/b.txt", error="docs/b.txt: looks like binary data"),
        SourceArticle("blank", "  \n", {}, "in.jsonl:3"),
    ]
    skipped = []
    paths = export_requests(batch, tmp_path / "requests", settings, on_skip=lambda a, why: skipped.append((a.id, why)))
    assert read_request_ids(paths) == ["good"]
    assert skipped == [("binary", "docs/b.txt: looks like binary data"), ("blank", "the text is empty")]
    with pytest.raises(InputError, match="'binary' cannot be sent: docs/b.txt: looks like binary data"):
        export_requests(batch, tmp_path / "again", settings)
    assert not list(tmp_path.glob("again-*"))


def test_export_streams_files_before_the_input_is_exhausted(tmp_path, settings):
    prefix = tmp_path / "requests"

    def generate():
        for index, article in enumerate(articles(5)):
            if index == 3:  # the first file (2 lines) is complete and on disk already
                first = prefix.parent / "requests-0001.jsonl"
                assert len(read_jsonl(first)) == 2
            yield article

    paths = export_requests(generate(), prefix, settings, max_requests=2)
    assert [len(read_jsonl(p)) for p in paths] == [2, 2, 1]


# --- import ------------------------------------------------------------------------------


def export_six(tmp_path, settings) -> tuple[dict[str, str], list[str]]:
    batch = [Article(f"news-{i}", article_text(i)) for i in range(6)]
    paths = export_requests(batch, tmp_path / "requests", settings)
    ids = read_request_ids(paths)
    return {a.id: a.text for a in batch}, ids


def test_import_round_trip_with_a_separate_error_file_given_first(tmp_path, settings):
    texts, ids = export_six(tmp_path, settings)
    usages = {ids[0]: (900, 150, 768), ids[1]: (880, 140, 0), ids[2]: (905, 160, 512)}
    output = write_jsonl(tmp_path / "batch_output.jsonl", [
        output_line(ids[0], completion(json.dumps(good_reply(0)), usage=usages[ids[0]])),
        output_line(ids[1], completion(json.dumps(good_reply(1)), usage=usages[ids[1]])),
        output_line(ids[3], completion('{"headline": "Cut', usage=(870, 5, 0))),  # invalid JSON
        output_line(ids[2], completion(json.dumps(good_reply(2)), usage=usages[ids[2]])),
        output_line(ids[4], completion(json.dumps(good_reply(4))[:200], finish_reason="length")),
    ])
    errors = write_jsonl(tmp_path / "batch_errors.jsonl", [expired_line(ids[5])])
    out = tmp_path / "out" / "briefs.jsonl"

    summary = import_results([errors, output], texts, settings, out)

    lines = read_jsonl(out)
    assert sorted(line["id"] for line in lines) == sorted(ids)  # each id exactly once
    by_id = {line["id"]: line for line in lines}
    for index in range(3):
        line = by_id[ids[index]]
        assert set(line) == {"id", "brief", "meta"}
        brief = Brief.model_validate(line["brief"])
        meta = BriefMeta.model_validate(line["meta"])
        text = texts[ids[index]]
        spans = [brief.figures[0].evidence_span, brief.security_concerns[0].evidence_span,
                 *brief.topics[0].evidence_spans]
        assert all(span.status.value == "exact" for span in spans)
        figure_span = brief.figures[0].evidence_span
        assert text[figure_span.start:figure_span.end] == brief.figures[0].evidence
        assert brief.figures[0].speaker == COUNTRIES[index][2]
        prompt_tokens, completion_tokens, cached = usages[ids[index]]
        assert meta.usage.model_dump() == {
            "prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens, "cached_tokens": cached,
        }
        assert meta.backend == "openai-batch" and meta.model == "gpt-4o-mini-2024-07-18"
        assert meta.attempts == 1 and meta.prompt_version == prompts.prompt_version()
        assert meta.grounding.excerpts == 3 and meta.grounding.exact == 3 and meta.warnings == []
    invalid = by_id[ids[3]]["error"]
    assert invalid["reason"] == "invalid_json" and invalid["attempts"] == 1 and "not valid JSON" in invalid["message"]
    cut = by_id[ids[4]]["error"]
    assert cut["reason"] == "length" and "finish_reason 'length'" in cut["message"]
    expired = by_id[ids[5]]["error"]
    assert expired["reason"] == "expired" and "batch_expired" in expired["message"]
    assert all(set(by_id[i]["error"]) == {"type", "reason", "message", "attempts"} for i in ids[3:])

    assert isinstance(summary, ImportSummary)
    assert summary.ok == 3 and summary.failed == 3 and summary.total == 6
    assert summary.resubmit == [ids[5]]
    assert summary.by_reason == {"invalid_json": 1, "length": 1, "expired": 1}
    assert summary.usage.prompt_tokens == 900 + 880 + 905 + 870 + 812
    # the output is the project's batch format: the eval harness reads it as predictions
    predictions = read_predictions(out)
    assert sorted(predictions) == sorted(ids)
    assert predictions[ids[0]].brief is not None and predictions[ids[0]].brief.meta.backend == "openai-batch"
    assert predictions[ids[5]].brief is None and "batch_expired" in predictions[ids[5]].error


def test_an_id_missing_from_every_file_is_lost_and_resubmitted(tmp_path, settings):
    texts, ids = export_six(tmp_path, settings)
    output = write_jsonl(tmp_path / "output.jsonl", [
        output_line(custom_id, completion(json.dumps(good_reply(i)))) for i, custom_id in enumerate(ids) if i != 2
    ])
    out = tmp_path / "briefs.jsonl"
    summary = import_results([output], texts, settings, out)
    assert summary.ok == 5 and summary.resubmit == [ids[2]] and summary.by_reason == {"lost": 1}
    lost = [line for line in read_jsonl(out) if line["id"] == ids[2]]
    assert len(lost) == 1 and lost[0]["error"]["reason"] == "lost"


def test_expected_ids_can_come_from_the_request_files_with_a_text_function(tmp_path, settings):
    texts, ids = export_six(tmp_path, settings)
    output = write_jsonl(tmp_path / "output.jsonl", [output_line(ids[0], completion(json.dumps(good_reply(0))))])
    requests = sorted(tmp_path.glob("requests-*.jsonl"))
    out = io.StringIO()
    summary = import_results([output], texts.get, settings, out, expected=read_request_ids(requests))
    assert summary.ok == 1 and summary.resubmit == ids[1:]
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ids


def test_without_expected_ids_a_text_function_reports_no_lost_ids(tmp_path, settings):
    texts, ids = export_six(tmp_path, settings)
    output = write_jsonl(tmp_path / "output.jsonl", [output_line(ids[0], completion(json.dumps(good_reply(0))))])
    summary = import_results([output], lambda i: texts[i], settings, io.StringIO())
    assert summary.ok == 1 and summary.failed == 0 and summary.resubmit == []


def ungrounded_reply() -> dict:
    reply = copy.deepcopy(good_reply(0))
    reply["figures"].append(
        {"text": "US$3 billion", "value": 3_000_000_000, "value_max": None, "unit": "USD",
         "qualifier": "exact", "measure": "investment", "period": None, "speaker": None,
         "evidence": "Norvania pledged US$3 billion of investment in Kerolian ports"}
    )
    return reply


def test_ungrounded_evidence_is_kept_and_flagged(tmp_path, settings):
    texts = {"x": article_text(0)}
    output = write_jsonl(tmp_path / "output.jsonl", [output_line("x", completion(json.dumps(ungrounded_reply())))])
    out = tmp_path / "briefs.jsonl"
    summary = import_results([output], texts, settings, out)
    assert summary.ok == 1 and summary.failed == 0
    [line] = read_jsonl(out)
    brief = Brief.model_validate(line["brief"])
    assert len(brief.figures) == 2
    assert brief.figures[0].evidence_span.status.value == "exact"
    invented = brief.figures[1].evidence_span
    assert invented.status.value == "not_found" and invented.start is None
    meta = line["meta"]
    assert meta["grounding"]["not_found"] == 1 and meta["grounding"]["issues"][0]["path"] == "figures[1].evidence"
    assert any("figures[1]" in warning for warning in meta["warnings"])


def test_ungrounded_evidence_is_dropped_under_the_drop_policy(tmp_path):
    settings = resolve_settings(environ={}, ungrounded="drop")
    output = write_jsonl(tmp_path / "output.jsonl", [output_line("x", completion(json.dumps(ungrounded_reply())))])
    out = tmp_path / "briefs.jsonl"
    import_results([output], {"x": article_text(0)}, settings, out)
    [line] = read_jsonl(out)
    assert len(line["brief"]["figures"]) == 1 and line["meta"]["grounding"]["dropped_items"] == 1


def test_success_in_one_file_wins_over_an_error_in_another_in_either_order(tmp_path, settings):
    texts = {"x": article_text(0)}
    errors = write_jsonl(tmp_path / "errors.jsonl", [expired_line("x")])
    retried = write_jsonl(tmp_path / "retried.jsonl", [output_line("x", completion(json.dumps(good_reply(0))))])
    for files in ([errors, retried], [retried, errors]):
        out = tmp_path / "briefs.jsonl"
        summary = import_results(files, texts, settings, out)
        assert summary.ok == 1 and summary.failed == 0 and summary.resubmit == []
        assert [set(line) for line in read_jsonl(out)] == [{"id", "brief", "meta"}]


def test_two_successes_for_one_id_are_refused_and_the_output_is_left_alone(tmp_path, settings):
    texts = {"x": article_text(0)}
    output = write_jsonl(tmp_path / "output.jsonl", [output_line("x", completion(json.dumps(good_reply(0))))])
    out = tmp_path / "briefs.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    with pytest.raises(InputError, match="'x'.*second successful result"):
        import_results([output, output], texts, settings, out)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".briefs")] == []


def test_an_unknown_id_is_set_aside_never_written(tmp_path, settings):
    output = write_jsonl(tmp_path / "output.jsonl", [
        output_line("stranger", completion(json.dumps(good_reply(0)))),
        output_line("x", completion(json.dumps(good_reply(0)))),
        output_line("stranger-2", completion(json.dumps(good_reply(0)))),
    ])
    requests = tmp_path / "requests.jsonl"
    requests.write_text("".join(json.dumps({"custom_id": i, "method": "POST", "url": "/v1/chat/completions",
                                            "body": {}}) + "\n" for i in ("x", "sent-elsewhere")), encoding="utf-8")
    out = tmp_path / "briefs.jsonl"
    summary = import_results([output], {"x": article_text(0)}, settings, out, expected=read_request_ids([requests]))
    assert (summary.ok, summary.failed, summary.by_reason) == (1, 0, {})
    assert summary.set_aside == ["stranger", "stranger-2", "sent-elsewhere"] and summary.resubmit == []
    assert [line["id"] for line in read_jsonl(out)] == ["x"]


@pytest.mark.parametrize(
    ("status", "body", "reason", "resubmitted"),
    [
        (429, {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
         "rate_limited", True),
        (500, {"error": {"message": "The server had an error", "type": "server_error", "code": None}},
         "server_error", True),
        (408, {"error": {"message": "Request timed out", "type": "timeout", "code": None}}, "timeout", True),
        (400, {"error": {"message": "Invalid schema for response_format", "type": "invalid_request_error",
                         "code": None}}, "http_400", False),
    ],
)
def test_non_200_responses_are_errors_and_only_transient_ones_are_resubmitted(
    tmp_path, settings, status, body, reason, resubmitted
):
    output = write_jsonl(tmp_path / "errors.jsonl", [output_line("x", body, status=status)])
    out = tmp_path / "briefs.jsonl"
    summary = import_results([output], {"x": article_text(0)}, settings, out)
    [line] = read_jsonl(out)
    assert line["error"]["reason"] == reason and f"HTTP {status}" in line["error"]["message"]
    assert body["error"]["message"] in line["error"]["message"]
    assert summary.resubmit == (["x"] if resubmitted else [])


def test_vllm_style_error_line_with_a_string_error_and_no_body(tmp_path, settings):
    record = {"id": "vllm-1", "custom_id": "x",
              "response": {"status_code": 400, "request_id": "vllm-batch-1", "body": None},
              "error": "Only /v1/chat/completions is supported"}
    output = write_jsonl(tmp_path / "output.jsonl", [record])
    out = tmp_path / "briefs.jsonl"
    summary = import_results([output], {"x": article_text(0)}, settings, out)
    [line] = read_jsonl(out)
    assert line["error"]["reason"] == "http_400" and "Only /v1/chat/completions" in line["error"]["message"]
    assert summary.resubmit == []


def test_refusal_and_schema_violation_are_counted_by_reason_not_resubmitted(tmp_path, settings):
    broken = good_reply(1)
    broken["figures"][0]["speaker"] = "Somebody Else"  # not a listed participant
    broken["topics"][0]["category"] = "sports"  # outside the enum
    output = write_jsonl(tmp_path / "output.jsonl", [
        output_line("a", completion("", refusal="I can't help with that.")),
        output_line("b", completion(json.dumps(broken))),
    ])
    out = tmp_path / "briefs.jsonl"
    summary = import_results([output], {"a": article_text(0), "b": article_text(1)}, settings, out)
    assert summary.by_reason == {"refusal": 1, "validation": 1} and summary.resubmit == []
    by_id = {line["id"]: line["error"] for line in read_jsonl(out)}
    assert "I can't help with that." in by_id["a"]["message"]
    assert by_id["b"]["type"] == "ValidationFailedError" and "category" in by_id["b"]["message"]


def test_a_retryable_error_gives_way_to_a_failure_of_a_request_that_ran(tmp_path, settings):
    errors = write_jsonl(tmp_path / "errors.jsonl", [expired_line("x")])
    retried = write_jsonl(tmp_path / "retried.jsonl", [output_line("x", completion("not json"))])
    out = tmp_path / "briefs.jsonl"
    summary = import_results([errors, retried], {"x": article_text(0)}, settings, out)
    [line] = read_jsonl(out)
    assert line["error"]["reason"] == "invalid_json" and summary.resubmit == []


def test_a_malformed_provider_line_is_refused_with_its_place(tmp_path, settings):
    output = tmp_path / "output.jsonl"
    output.write_text(json.dumps(output_line("x", completion("{}"))) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"output\.jsonl:2: not valid JSON"):
        import_results([output], {"x": article_text(0)}, settings, tmp_path / "briefs.jsonl")
    assert not (tmp_path / "briefs.jsonl").exists()


# --- submit / status / download against a fake Files + Batches API over HTTP --------------


class FakeBatchAPI:
    """A minimal /v1/files + /v1/batches server on loopback; ``run(batch_id, answer)`` plays the provider."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.files: dict[str, dict] = {}
        self.batches: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                api.requests.append(("POST", self.path))
                if self.path == "/v1/files":
                    self.reply(200, api.upload(self.headers["Content-Type"], body))
                elif self.path == "/v1/batches":
                    self.reply(200, api.create(json.loads(body)))
                else:
                    self.reply(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})

            def do_GET(self):
                api.requests.append(("GET", self.path))
                parts = self.path.strip("/").split("/")
                if parts[:2] == ["v1", "batches"] and parts[2] in api.batches:
                    self.reply(200, api.batches[parts[2]])
                elif parts[:2] == ["v1", "files"] and len(parts) == 4 and parts[3] == "content":
                    self.reply(200, api.files[parts[2]]["data"], raw=True)
                else:
                    self.reply(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})

            def reply(self, code, payload, raw=False):
                data = payload if raw else json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/octet-stream" if raw else "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def upload(self, content_type: str, body: bytes) -> dict:
        import email

        message = email.message_from_bytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        fields = {part.get_param("name", header="content-disposition"): part for part in message.get_payload()}
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = {
            "data": fields["file"].get_payload(decode=True),
            "purpose": fields["purpose"].get_payload(decode=True).decode(),
            "filename": fields["file"].get_filename(),
        }
        return {"id": file_id, "object": "file", "bytes": len(self.files[file_id]["data"]), "created_at": 0,
                "filename": self.files[file_id]["filename"], "purpose": self.files[file_id]["purpose"],
                "status": "processed"}

    def create(self, params: dict) -> dict:
        batch_id = f"batch_{len(self.batches) + 1}"
        self.batches[batch_id] = {
            "id": batch_id, "object": "batch", "endpoint": params["endpoint"], "input_file_id": params["input_file_id"],
            "completion_window": params["completion_window"], "status": "validating", "created_at": 0,
            "metadata": params.get("metadata"), "output_file_id": None, "error_file_id": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0}, "errors": None,
        }
        return self.batches[batch_id]

    def run(self, batch_id: str, answer) -> None:
        """Answer every request of the batch's input file with ``answer(request_line)``: an output or error line."""
        batch = self.batches[batch_id]
        lines = [json.loads(line) for line in self.files[batch["input_file_id"]]["data"].decode().splitlines()]
        outputs, errors = [], []
        for line in lines:
            record = answer(line)
            (outputs if record.get("response") and record["response"]["status_code"] == 200 else errors).append(record)
        for kind, records in (("output_file_id", outputs), ("error_file_id", errors)):
            if records:
                file_id = f"file-{len(self.files) + 1}"
                data = "".join(json.dumps(r) + "\n" for r in records).encode()
                self.files[file_id] = {"data": data, "purpose": "batch_output", "filename": f"{kind}.jsonl"}
                batch[kind] = file_id
        batch.update(status="completed", request_counts={"total": len(lines), "completed": len(outputs),
                                                         "failed": len(errors)})


@pytest.fixture
def fake_api():
    api = FakeBatchAPI()
    yield api
    api.close()


def test_submit_status_download_then_import_end_to_end(tmp_path, fake_api):
    from summarizer.batch.provider_api import client_for, download, status, submit

    settings = resolve_settings(environ={}, base_url=fake_api.url, api_key="sk-test", model="gpt-4o-mini")
    batch = [Article(f"news-{i}", article_text(i)) for i in range(5)]
    texts = {a.id: a.text for a in batch}
    request_files = export_requests(batch, tmp_path / "requests", settings, max_requests=3)
    client = client_for(settings)

    batch_ids = submit(client, request_files, metadata={"job": "test"})
    assert batch_ids == ["batch_1", "batch_2"]
    uploaded = fake_api.files["file-1"]
    assert uploaded["purpose"] == "batch" and uploaded["filename"] == "requests-0001.jsonl"
    assert uploaded["data"] == request_files[0].read_bytes()
    assert fake_api.batches["batch_1"]["endpoint"] == "/v1/chat/completions"
    assert fake_api.batches["batch_1"]["completion_window"] == "24h"
    assert fake_api.batches["batch_2"]["metadata"] == {"job": "test", "request_file": "requests-0002.jsonl"}

    first = status(client, "batch_1")
    assert first.status == "validating" and not first.done
    with pytest.raises(InputError, match="batch_1 is validating"):
        download(client, "batch_1", tmp_path / "results")

    def answer(line):
        custom_id = line["custom_id"]
        if custom_id == "news-4":
            return expired_line(custom_id)
        assert line["body"]["response_format"]["json_schema"]["strict"] is True
        return output_line(custom_id, completion(json.dumps(good_reply(int(custom_id.split("-")[1])))))

    for batch_id in batch_ids:
        fake_api.run(batch_id, answer)
    second = status(client, "batch_2")
    assert second.done and (second.total, second.completed, second.failed) == (2, 1, 1)
    assert second.output_file_id and second.error_file_id

    downloaded = [path for batch_id in batch_ids for path in download(client, batch_id, tmp_path / "results")]
    assert [p.name for p in downloaded] == ["batch_1-output.jsonl", "batch_2-output.jsonl", "batch_2-errors.jsonl"]
    client.close()

    out = tmp_path / "briefs.jsonl"
    summary = import_results(downloaded, texts, settings, out)
    assert summary.ok == 4 and summary.resubmit == ["news-4"] and summary.by_reason == {"expired": 1}
    assert sorted(line["id"] for line in read_jsonl(out)) == sorted(texts)


def test_by_default_a_batch_request_gets_the_budget_an_online_one_would():
    text = "Some article. " * 300
    body = request_body(text, resolve_settings(environ={}, model="gpt-4o-mini"))
    assert body["max_tokens"] == 1024 + len(text) // 8  # fitted to the article, as tokens.fitted_output_budget
