"""Batch jobs against the loopback server: concurrency, failures, the cache, rate limits, budgets."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer.batch.runner import BatchJob, BatchOptions
from summarizer.cli import app
from summarizer.config import resolve_settings
from test_llm_backend import ARTICLE, REPLY

runner = CliRunner()


@pytest.fixture
def articles(tmp_path):
    """A JSONL input of 12 distinct articles (the test article plus a numbered line)."""
    path = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"a{i:02d}", "text": f"{ARTICLE}\n\nDispatch number {i}.", "desk": "world"})
             for i in range(12)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def job(server, articles, out, **options):
    settings = resolve_settings(backend="openai", base_url=server.url, model="m", max_retry_wait=0.05)
    options.setdefault("cache_path", out.parent / "cache.sqlite")
    return BatchJob([str(articles)], out, settings, BatchOptions(**options))


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_id_once_and_a_rerun_makes_no_call_with_identical_briefs(loopback, articles, tmp_path):
    loopback.default = lb.brief(REPLY, usage=(100, 50))
    first = tmp_path / "first.jsonl"
    summary = asyncio.run(job(loopback, articles, first, concurrency=4).run())
    assert summary["ok"] == 12 and summary["failed"] == 0 and len(loopback.requests) == 12
    assert summary["usage"]["total_tokens"] == 12 * 150 and summary["api_calls"] == 12
    records = lines(first)
    assert sorted(r["id"] for r in records) == [f"a{i:02d}" for i in range(12)]
    assert records[0]["metadata"] == {"desk": "world"}

    second = tmp_path / "second.jsonl"
    summary = asyncio.run(job(loopback, articles, second, concurrency=4).run())
    assert len(loopback.requests) == 12, "a re-run must not call the API"
    assert summary["from_cache"] == 12 and summary["api_calls"] == 0
    briefs = lambda path: {r["id"]: json.dumps(r["brief"]) for r in lines(path)}  # noqa: E731
    assert briefs(first) == briefs(second)
    assert all(r["meta"]["cached"] for r in lines(second))

    asyncio.run(job(loopback, articles, tmp_path / "third.jsonl", cache=False).run())
    assert len(loopback.requests) == 24


def test_one_failed_article_never_stops_the_job(loopback, articles, tmp_path):
    loopback.enqueue(lb.error(400, message="bad request"))
    loopback.default = lb.brief(REPLY)
    out = tmp_path / "out.jsonl"
    summary = asyncio.run(job(loopback, articles, out, concurrency=3, cache=False).run())
    assert (summary["ok"], summary["failed"], summary["failed_by_reason"]) == (11, 1, {"APIRequestError": 1})
    failed = [r for r in lines(out) if "error" in r]
    assert len(failed) == 1 and failed[0]["error"]["type"] == "APIRequestError" and failed[0]["error"]["attempts"] >= 1

    loopback.default = lb.brief(REPLY)
    summary = asyncio.run(job(loopback, articles, out, retry_failed=True, cache=False).run())
    assert summary["ok"] == 1 and summary["skipped_already_done"] == 11
    assert sorted(r["id"] for r in lines(out)) == [f"a{i:02d}" for i in range(12)]
    assert not any("error" in r for r in lines(out))


def test_a_429_pauses_every_worker_once(loopback, articles, tmp_path):
    loopback.enqueue(lb.error(429, headers={"retry-after-ms": "300"}))
    loopback.default = lb.brief(REPLY)
    summary = asyncio.run(job(loopback, articles, tmp_path / "out.jsonl", concurrency=4, cache=False).run())
    assert summary["ok"] == 12 and summary["server_throttled"] == 1
    assert len(loopback.requests) == 13  # the 429 and one brief per article


def test_rpm_limit_spaces_requests_and_keeps_every_request_under_one_limiter(loopback, articles, tmp_path):
    loopback.default = lb.brief(REPLY)
    summary = asyncio.run(job(loopback, articles, tmp_path / "out.jsonl", concurrency=8, rpm=240, workers=2,
                              cache=False).run())
    assert summary["made_by_helper_processes"] == 0  # helpers would each need a share of the limit
    times = sorted(r.time for r in loopback.requests)
    # 240 rpm at 95 % is 3.8 requests a second, with a burst of at most one second's worth
    for start in times:
        assert sum(1 for t in times if start <= t < start + 1.0) <= 8
    assert times[-1] - times[0] >= (12 - 4) / 3.8 - 0.2


def test_server_rate_limit_headers_slow_the_client(loopback, articles, tmp_path):
    loopback.enqueue(lb.brief(REPLY, headers={"x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "400ms"}))
    loopback.default = lb.brief(REPLY)
    asyncio.run(job(loopback, articles, tmp_path / "out.jsonl", concurrency=1, cache=False).run())
    times = [r.time for r in loopback.requests]
    assert times[1] - times[0] >= 0.35


def test_max_tokens_stops_cleanly_and_resume_finishes(loopback, articles, tmp_path):
    loopback.default = lb.brief(REPLY, usage=(100, 50))
    out = tmp_path / "out.jsonl"
    summary = asyncio.run(job(loopback, articles, out, concurrency=1, max_tokens=500, cache=False).run())
    assert summary["stopped_by"] == "--max-tokens 500"
    assert summary["usage"]["total_tokens"] <= 500 and 1 <= summary["ok"] < 12
    done = len(lines(out))
    summary = asyncio.run(job(loopback, articles, out, resume=True, cache=False).run())
    assert summary["skipped_already_done"] == done and len(lines(out)) == 12


def test_cli_batch_offline_and_refuses_duplicate_ids(tmp_path, articles):
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(articles), "-o", str(out), "--backend", "offline",
                                 "--cache-path", str(tmp_path / "c.sqlite")])
    assert result.exit_code == 0, result.stderr
    assert len(lines(out)) == 12 and json.loads(result.stderr[result.stderr.index("{"):])["ok"] == 12
    duplicate = tmp_path / "dup.jsonl"
    duplicate.write_text(articles.read_text() + json.dumps({"id": "a03", "text": "again"}) + "\n")
    result = runner.invoke(app, ["batch", str(duplicate), "-o", str(tmp_path / "d.jsonl"), "--backend", "offline"])
    assert result.exit_code == 2 and "duplicate id 'a03'" in result.stderr


def test_cache_never_holds_the_api_key(loopback, articles, tmp_path):
    loopback.default = lb.brief(REPLY)
    settings = resolve_settings(backend="openai", base_url=loopback.url, model="m", api_key="sk-sentinel-cache-777")
    cache = tmp_path / "cache.sqlite"
    asyncio.run(BatchJob([str(articles)], tmp_path / "o.jsonl", settings, BatchOptions(cache_path=cache)).run())
    for path in tmp_path.iterdir():
        assert b"sk-sentinel-cache-777" not in path.read_bytes(), path.name


def test_cli_export_then_import_recovers_every_id(tmp_path, articles):
    prefix = tmp_path / "requests"
    result = runner.invoke(app, ["batch", "export", str(articles), "--prefix", str(prefix), "--max-requests", "5"])
    assert result.exit_code == 0, result.stderr
    files = [tmp_path / f"requests-000{n}.jsonl" for n in (1, 2, 3)]
    assert result.stdout.split() == [str(f) for f in files]
    requests = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    assert len(requests) == 12 and requests[0]["body"]["response_format"]["json_schema"]["strict"] is True

    def completion(custom_id):
        body = {"id": "c", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": json.dumps(REPLY)}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
        return {"id": "r", "custom_id": custom_id, "response": {"status_code": 200, "body": body}, "error": None}

    ids = [r["custom_id"] for r in requests]
    output = tmp_path / "provider-output.jsonl"
    output.write_text("".join(json.dumps(completion(i)) + "\n" for i in ids[:10]))
    errors = tmp_path / "provider-errors.jsonl"
    errors.write_text(json.dumps({"id": "r", "custom_id": ids[10], "response": None,
                                  "error": {"code": "batch_expired", "message": "expired"}}) + "\n")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", "import", str(errors), str(output), "--inputs", str(articles),
                                 "-o", str(out), *sum((["--requests", str(f)] for f in files), [])])
    assert result.exit_code == 0, result.stderr
    records = lines(out)
    assert sorted(r["id"] for r in records) == sorted(ids)  # every id exactly once, the lost one included
    assert sum("brief" in r for r in records) == 10
    assert (tmp_path / "out.jsonl.resubmit.txt").read_text().split() == sorted([ids[10], ids[11]])


def test_binary_and_empty_files_are_error_lines_with_their_reason(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "good.txt").write_text("Foreign Minister Ana Duarte said exports rose 12 percent.", encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")
    (folder / "blob.txt").write_bytes(b"\x00\x01\x02")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--backend", "offline", "--no-cache"])
    assert result.exit_code == 0, result.stderr
    by_id = {r["id"]: r for r in lines(out)}
    assert "brief" in by_id["good"]
    assert by_id["empty"]["error"]["type"] == "InputError" and "empty" in by_id["empty"]["error"]["message"]
    assert "binary" in by_id["blob"]["error"]["message"]


def test_offline_worker_processes_give_the_same_briefs(tmp_path, articles):
    outputs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.jsonl"
        result = runner.invoke(app, ["batch", str(articles), "-o", str(out), "--backend", "offline",
                                     "--no-cache", "--workers", str(workers)])
        assert result.exit_code == 0, result.stderr
        outputs[workers] = {r["id"]: r["brief"] for r in lines(out)}
    assert len(outputs[1]) == 12 and outputs[1] == outputs[2]


def test_an_offline_job_with_helpers_counts_the_briefs_they_made(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": f"{ARTICLE}\n\nItem {i}."}) + "\n"
                              for i in range(400)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--backend", "offline", "--no-cache",
                                 "--workers", "2"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stderr[result.stderr.index("{"):])
    # the parent makes briefs only until its helpers are ready; on a job this size they make most
    assert summary["ok"] == 400 and 0 < summary["made_by_helper_processes"] <= 400


def test_kill_9_at_several_points_then_resume_gives_every_id_exactly_once(loopback, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    total = 120
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"k{i:03d}", "text": f"{ARTICLE}\n\nItem {i}."}) + "\n"
                              for i in range(total)), encoding="utf-8")
    loopback.default = lb.delay(0.02, lb.brief(REPLY))
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "m"}
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(out), "--backend", "openai",
               "--concurrency", "4", "--no-cache"]

    def count() -> int:
        return out.read_bytes().count(b"\n") if out.exists() else 0

    for kill_after, extra in ((10, []), (50, ["--resume"]), (90, ["--resume"])):
        process = subprocess.Popen(command + extra, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while count() < kill_after and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert count() < total, "killed too late to test anything"
    finished = subprocess.run(command + ["--resume"], env=env, capture_output=True, timeout=60)
    assert finished.returncode == 0, finished.stderr.decode()
    ids = [r["id"] for r in lines(out)]
    assert sorted(ids) == [f"k{i:03d}" for i in range(total)] and len(ids) == len(set(ids))
    assert all("brief" in r for r in lines(out))
    # nothing paid twice: at most the requests in flight at each kill were repeated
    assert len(loopback.requests) <= total + 3 * 4


def test_max_tokens_counts_requests_in_flight(loopback, articles, tmp_path):
    loopback.default = lb.delay(0.05, lb.brief(REPLY, usage=(100, 50)))
    summary = asyncio.run(job(loopback, articles, tmp_path / "out.jsonl", concurrency=6, max_tokens=1000,
                              cache=False).run())
    assert summary["stopped_by"] == "--max-tokens 1000"
    assert summary["usage"]["total_tokens"] <= 1000


def test_max_tokens_holds_the_first_wave_until_the_first_cost_is_known(loopback, articles, tmp_path):
    # Twelve slots and nothing known yet: without a guess, all twelve would go out at once
    # and spend 12 x 150 = 1,800 tokens against a budget of 1,000.
    loopback.default = lb.delay(0.05, lb.brief(REPLY, usage=(100, 50)))
    summary = asyncio.run(job(loopback, articles, tmp_path / "out.jsonl", concurrency=12, max_tokens=1000,
                              cache=False).run())
    assert summary["stopped_by"] == "--max-tokens 1000"
    assert summary["usage"]["total_tokens"] <= 1000 and len(loopback.requests) == summary["ok"] == 6


def test_max_cost_stops_before_the_estimated_cost_is_passed(loopback, articles, tmp_path):
    loopback.default = lb.delay(0.05, lb.brief(REPLY, usage=(1000, 500)))
    settings = resolve_settings(backend="openai", base_url=loopback.url, model="gpt-4o", max_retry_wait=0.05)
    # gpt-4o: $2.50 in, $10 out per million: $0.0075 an article; $0.04 pays for five
    summary = asyncio.run(BatchJob([str(articles)], tmp_path / "out.jsonl", settings,
                                   BatchOptions(concurrency=12, max_cost=0.04, cache=False)).run())
    assert summary["stopped_by"] == "--max-cost 0.04"
    assert summary["ok"] == 5 and summary["estimated_cost_usd"] == pytest.approx(0.0375)


def test_llm_calls_in_two_worker_processes_give_every_id_once(loopback, articles, tmp_path):
    loopback.enqueue(lb.error(400, message="no"))  # one article's fault (a 401 would stop the job)
    loopback.default = lb.brief(REPLY, usage=(100, 50))
    out = tmp_path / "out.jsonl"
    summary = asyncio.run(job(loopback, articles, out, concurrency=6, workers=2, cache=False).run())
    assert (summary["ok"], summary["failed_by_reason"]) == (11, {"APIRequestError": 1})
    assert summary["usage"]["total_tokens"] == 11 * 150
    records = lines(out)
    assert sorted(r["id"] for r in records) == [f"a{i:02d}" for i in range(12)]
    assert len(loopback.requests) == 12


def test_a_different_input_budget_misses_the_cache(loopback, articles, tmp_path):
    # the budget decides where a long article is split, so it changes the brief
    loopback.default = lb.brief(REPLY)
    cache = tmp_path / "cache.sqlite"
    for number, budget in enumerate((6000, 6000, 9000)):
        settings = resolve_settings(backend="openai", base_url=loopback.url, model="m", max_input_tokens=budget)
        asyncio.run(BatchJob([str(articles)], tmp_path / f"out{number}.jsonl", settings,
                             BatchOptions(concurrency=4, cache_path=cache)).run())
    assert len(loopback.requests) == 24  # 12, then none (same budget), then 12 again


def test_inputs_are_read_once_before_the_run_and_a_page_is_extracted_only_by_the_run(tmp_path, monkeypatch):
    from pathlib import Path

    import summarizer.html_text as html_text

    page = Path(__file__).parent / "data" / "news-page.html"
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "page.html").write_bytes(page.read_bytes())
    (folder / "note.txt").write_text("Foreign Minister Ana Duarte said exports rose 12 percent.", encoding="utf-8")
    extracted = []
    real = html_text.extract_article
    monkeypatch.setattr(html_text, "extract_article", lambda text: extracted.append(1) or real(text))
    settings = resolve_settings(backend="offline")

    def make(out):
        return BatchJob([str(folder)], out, settings, BatchOptions(cache=False))

    first = make(tmp_path / "out.jsonl")
    assert first.total == 2 and extracted == []  # scanned and fingerprinted, nothing extracted yet
    summary = asyncio.run(first.run())
    assert summary["ok"] == 2 and len(extracted) == 1  # the page, once, by the run

    assert make(tmp_path / "again.jsonl").fingerprint == first.fingerprint
    (folder / "note.txt").write_text("Foreign Minister Ana Duarte said exports rose 13 percent.", encoding="utf-8")
    changed = make(tmp_path / "changed.jsonl").fingerprint
    assert changed["inputs"] != first.fingerprint["inputs"] and changed["articles"] == 2
    # a resume of the first output with a changed input is refused, naming the file that changed
    result = runner.invoke(app, ["batch", str(folder), "-o", str(tmp_path / "out.jsonl"), "--backend", "offline",
                                 "--no-cache", "--resume"])
    assert result.exit_code == 2 and f"made from other inputs ({folder / 'note.txt'} (changed))" in result.stderr

