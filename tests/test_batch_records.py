"""The one codec of a batch line, and the one shape of its error, whoever writes it:
the batch runner (through the ledger), the provider import and eval predictions."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import loopback as lb
from summarizer.backends.offline import OfflineBackend
from summarizer.batch import records
from summarizer.batch.cache import BriefCache
from summarizer.batch.provider_import import import_results
from summarizer.batch.runner import BatchJob, BatchOptions
from summarizer.config import default_cache_path, resolve_settings
from summarizer.errors import APIRequestError, InputError, TransportError, ValidationFailedError, error_from_data
from summarizer.evaluate.predictions import Prediction, read_predictions, write_predictions
from summarizer.models import Brief
from test_batch_provider import article_text, output_line, write_jsonl
from test_llm_backend import ARTICLE

BRIEF = {"headline": "Ünïcode — “quotes”\u2028and a line separator", "figures": [{"value": 1.5}]}
META = {"backend": "offline", "attempts": 0}


# --- the codec -----------------------------------------------------------------------------


def test_a_brief_record_round_trips_as_one_compact_utf8_line():
    record = records.brief_record("a-1", BRIEF, META, {"desk": "world"})
    line = records.encode(record)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert b'"id":"a-1","brief":{' in line  # compact, keys in order
    assert "Ünïcode — “quotes”\u2028".encode() in line  # ensure_ascii=False: UTF-8, not \\u escapes
    assert records.decode(line) == record == {"id": "a-1", "brief": BRIEF, "meta": META, "metadata": {"desk": "world"}}
    assert records.classify(line) == ("a-1", "brief")
    assert "metadata" not in records.brief_record("a-1", BRIEF, META, {})


def test_an_error_record_is_the_errors_own_data_and_rebuilds_the_same_error():
    exc = APIRequestError("refused", status_code=400, attempts=2, part="2 of 3")
    record = records.error_record("a-2", exc, reason="http_400")
    assert record == {"id": "a-2", "error": {"type": "APIRequestError", "message": "refused", "attempts": 2,
                                              "status_code": 400, "context": {"part": "2 of 3"}, "reason": "http_400"}}
    line = records.encode(record)
    assert records.classify(line) == ("a-2", "error")
    again = error_from_data(records.decode(line)["error"])
    assert type(again) is APIRequestError and (again.message, again.attempts, again.status_code) == ("refused", 2, 400)
    # attempts is always there, also for an error that makes no call
    assert records.error_data(InputError("empty")) == {"type": "InputError", "message": "empty", "attempts": 0}


@pytest.mark.parametrize(
    "raw, why",
    [
        (b'{"id": "a", "brief": {}}', "no newline at its end"),
        (b'{"id": "a", "brief": \n', "not valid JSON"),
        (b'{"id": "a", "brief": {"x": NaN}}\n', "not valid JSON"),  # strict JSON
        (b'\xff\xfe{}\n', "not valid JSON"),
        (b'["a"]\n', 'a JSON object with a string "id"'),
        (b'{"id": 7, "brief": {}}\n', 'a JSON object with a string "id"'),
        (b'{"id": "a"}\n', 'exactly one of "brief" and "error"'),
        (b'{"id": "a", "brief": {}, "error": {}}\n', 'exactly one of "brief" and "error"'),
    ],
)
def test_what_is_not_a_batch_line_is_named(raw, why):
    result = records.classify(raw)
    assert isinstance(result, str) and why in result


def test_encode_refuses_what_readers_could_not_read():
    with pytest.raises(ValueError, match="exactly one of"):
        records.encode({"id": "a", "brief": {}, "error": {}})
    with pytest.raises(ValueError):
        records.encode({"id": "a", "brief": {"score": float("nan")}})
    with pytest.raises(ValueError, match="must be an object"):
        records.encode({"id": "a", "error": "a string"})


def test_read_records_splits_on_newlines_only_and_names_a_bad_line(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_bytes(records.encode(records.brief_record("a", BRIEF, META)) + b"\n"
                     + records.encode(records.error_record("b", TransportError("down", attempts=4))))
    assert [(n, r["id"]) for n, r in records.read_records(path)] == [(1, "a"), (3, "b")]  # U+2028 is no break
    path.write_bytes(path.read_bytes() + b'{"id": "c"\n')
    with pytest.raises(InputError, match=r"out\.jsonl:4: not valid JSON"):
        list(records.read_records(path))


# --- one error shape, whoever writes the line ----------------------------------------------


def shape(error: dict) -> set[str]:
    return set(error)


def test_runner_import_and_predictions_write_the_same_error_object(loopback, tmp_path):
    """A refused request (HTTP 400) and an empty article, as the runner, the import and eval write them."""
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps({"id": "refused", "text": ARTICLE}) + "\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "empty.txt").write_text(" \n", encoding="utf-8")
    loopback.default = lb.error(400, message="bad request")
    settings = resolve_settings(backend="openai", base_url=loopback.url, model="m", max_retry_wait=0.05)
    out = tmp_path / "run.jsonl"
    asyncio.run(BatchJob([str(inputs), str(tmp_path / "docs")], out, settings, BatchOptions(cache=False)).run())
    by_id = {r["id"]: r["error"] for _, r in records.read_records(out)}
    ran = by_id["refused"]
    assert ran == {"type": "APIRequestError", "message": ran["message"], "attempts": 1, "status_code": 400}
    assert by_id["empty"] == {"type": "InputError", "message": by_id["empty"]["message"], "attempts": 0}

    provider = write_jsonl(tmp_path / "provider.jsonl", [
        output_line("x", {"error": {"message": "bad request", "type": "invalid_request_error"}}, status=400)])
    imported = tmp_path / "imported.jsonl"
    import_results([provider], {"x": article_text(0)}, resolve_settings(environ={}), imported)
    [(_, line)] = records.read_records(imported)
    assert shape(line["error"]) == shape(ran) | {"reason"}
    assert {k: line["error"][k] for k in ("type", "attempts", "status_code", "reason")} == {
        "type": "APIRequestError", "attempts": 1, "status_code": 400, "reason": "http_400"}

    # eval predictions write the error's data, and read the runner's lines back unchanged
    exc = error_from_data(ran)
    saved = tmp_path / "preds.jsonl"
    write_predictions(saved, [Prediction.failed("refused", exc)])
    [(_, written)] = records.read_records(saved)
    assert written["error"] == ran
    predictions = read_predictions(out)
    assert predictions["refused"].error_data == ran
    assert predictions["refused"].error == f"APIRequestError: {ran['message']}"
    assert predictions["empty"].error.startswith("InputError: ")


def test_a_prediction_known_only_by_its_message_gets_the_same_shape_and_reads_back_alike(tmp_path):
    saved = tmp_path / "preds.jsonl"
    shown = "ValidationFailedError: no valid brief after 3 attempt(s)"
    write_predictions(saved, [Prediction("a", None, shown), Prediction("b", None, "something odd")])
    errors = {r["id"]: r["error"] for _, r in records.read_records(saved)}
    assert errors["a"] == records.error_data(ValidationFailedError("no valid brief after 3 attempt(s)"))
    assert errors["b"] == {"type": "SummarizerError", "message": "something odd", "attempts": 0}
    again = read_predictions(saved)
    assert (again["a"].error, again["b"].error) == (shown, "something odd")


def test_predictions_of_earlier_versions_still_read(tmp_path):
    saved = tmp_path / "old.jsonl"
    brief = Brief.model_validate({"headline": "x"}).model_dump(mode="json")
    saved.write_text(json.dumps({"id": "a", "error": {"type": "error", "message": "TransportError: down"}}) + "\n"
                     + json.dumps({"id": "b", "brief": brief}) + "\n"
                     + json.dumps({"id": "c", "error": "plain words"}) + "\n", encoding="utf-8")
    found = read_predictions(saved)
    assert found["a"].error == "TransportError: down" and found["b"].brief is not None
    assert found["c"].error == "plain words"


# --- the cache: its place and its key ---------------------------------------------------------


def test_the_default_cache_path_comes_from_the_configuration(tmp_path):
    assert default_cache_path({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "summarizer" / "briefs.sqlite"
    assert default_cache_path({}).parts[-3:] == (".cache", "summarizer", "briefs.sqlite")


def test_the_cache_key_holds_the_version_of_what_made_the_brief(tmp_path):
    settings = resolve_settings(environ={}, backend="offline")
    path = tmp_path / "cache.sqlite"
    first = BriefCache(path, settings, "offline", "offline-aaaa")
    made = OfflineBackend(settings).summarize(ARTICLE)
    first.put(ARTICLE, made.model_dump_json(), made.meta)
    assert first.get(ARTICLE) is not None and first.get(ARTICLE)[1].cached is True
    first.close()
    assert BriefCache(path, settings, "offline", "offline-bbbb").get(ARTICLE) is None  # the extractor changed
    assert BriefCache(path, settings, "offline", "offline-aaaa").get(ARTICLE) is not None


def test_an_offline_run_is_keyed_and_fingerprinted_by_the_extractors_version(tmp_path):
    from summarizer.backends.offline import offline_version
    from summarizer.prompts import prompt_version

    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n", encoding="utf-8")
    settings = resolve_settings(environ={}, backend="offline")
    job = BatchJob([str(inputs)], tmp_path / "out.jsonl", settings, BatchOptions(cache_path=tmp_path / "c.sqlite"))
    assert job.fingerprint["prompt_version"] == offline_version() != prompt_version()
    asyncio.run(job.run())
    [(_, line)] = records.read_records(tmp_path / "out.jsonl")
    assert line["meta"]["prompt_version"] == offline_version()
    manifest = json.loads(Path(str(tmp_path / "out.jsonl") + ".run.json").read_text())
    assert manifest["fingerprint"]["prompt_version"] == offline_version()
    again = BatchJob([str(inputs)], tmp_path / "again.jsonl", settings, BatchOptions(cache_path=tmp_path / "c.sqlite"))
    assert asyncio.run(again.run())["from_cache"] == 1
