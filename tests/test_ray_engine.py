"""The Ray engine on a local Ray, against the loopback server and the offline backend.

One Ray is started for the module (about 10 s); each job joins it, so every test pays only
for its own job. Jobs run through the real ``openai`` client and instructor in Ray actors,
over HTTP to the loopback server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

import loopback as lb  # noqa: E402
from summarizer.batch.runner import BatchJob, BatchOptions  # noqa: E402
from summarizer.config import resolve_settings  # noqa: E402
from summarizer.errors import AccessError, ConfigError, InputError  # noqa: E402
from summarizer.ray import RayBatchJob, RayOptions  # noqa: E402
from test_llm_backend import ARTICLE, REPLY  # noqa: E402

pytestmark = pytest.mark.xdist_group("ray")  # one Ray for the module: its tests stay on one worker



FIXTURES = Path(__file__).resolve().parents[1] / "evals" / "fixtures"
NUMBER = re.compile(r"Dispatch number (\d+)\.")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    """A Ray on this machine for the module; its workers never send loopback traffic to a proxy."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NO_PROXY", "127.0.0.1,localhost")
        patch.setenv("no_proxy", "127.0.0.1,localhost")
        patch.setenv("RAY_DATA_LOG_LEVEL", "ERROR")
        ray.init(num_cpus=2, object_store_memory=256 * 1024 * 1024, include_dashboard=False, log_to_driver=False)
    # A driver in another process joins with the token this Ray was started with, if any
    # (read from the real home, which each test then replaces with its own).
    token = Path.home() / ".ray" / "auth_token"
    yield {"address": ray.get_runtime_context().gcs_address,
           "env": {"RAY_AUTH_TOKEN_PATH": str(token)} if token.exists() else {}}
    ray.shutdown()


def write_articles(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps({"id": f"a{i:02d}", "text": f"{ARTICLE}\n\nDispatch number {i}.",
                                        "desk": "world"}) + "\n" for i in range(count)), encoding="utf-8")
    return path


def article_number(body) -> int:
    """Which article a request is for (the number its text ends with)."""
    return int(NUMBER.search(json.dumps(body["messages"], ensure_ascii=False)).group(1))


def llm_settings(server, **overrides):
    overrides.setdefault("max_retry_wait", 0.05)
    return resolve_settings(backend="openai", base_url=server.url, model="m", **overrides)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_id(path: Path) -> dict[str, dict]:
    return {line["id"]: line for line in lines(path)}


def run_local(sources, out, settings, **options):
    options.setdefault("cache", False)
    return asyncio.run(BatchJob([str(s) for s in sources], out, settings, BatchOptions(**options)).run())


def run_ray(sources, out, settings, actors=2, **options):
    options.setdefault("cache", False)
    return RayBatchJob([str(s) for s in sources], out, settings, BatchOptions(**options),
                       RayOptions(actors=actors)).run()


def test_offline_briefs_equal_the_local_engines(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for text in sorted(FIXTURES.glob("*.txt"))[:24]:
        (folder / text.name).write_text(text.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "empty.txt").write_text("  \n", encoding="utf-8")  # an article's own fault: its error row
    settings = resolve_settings(backend="offline")
    local = run_local([folder], tmp_path / "local.jsonl", settings, workers=1)
    summary = run_ray([folder], tmp_path / "ray.jsonl", settings)
    assert (summary["ok"], summary["failed"]) == (local["ok"], local["failed"]) == (24, 1)
    assert summary["engine"] == "ray" and summary["brief_makers"] == 2
    mine, theirs = by_id(tmp_path / "ray.jsonl"), by_id(tmp_path / "local.jsonl")
    assert sorted(mine) == sorted(theirs)
    for article_id, line in theirs.items():
        assert mine[article_id].get("brief") == line.get("brief"), article_id
        assert mine[article_id].get("error") == line.get("error"), article_id
    assert mine["empty"]["error"]["type"] == "InputError"


def test_loopback_briefs_and_metadata_equal_the_local_engines(loopback, tmp_path):
    source = write_articles(tmp_path / "in.jsonl", 10)
    loopback.default = lb.brief(REPLY)
    settings = llm_settings(loopback)
    run_local([source], tmp_path / "local.jsonl", settings)
    summary = run_ray([source], tmp_path / "ray.jsonl", settings, concurrency=4)
    assert summary["ok"] == 10 and summary["api_calls"] == 10 and summary["usage"]["total_tokens"] == 150
    mine, theirs = by_id(tmp_path / "ray.jsonl"), by_id(tmp_path / "local.jsonl")
    assert sorted(mine) == [f"a{i:02d}" for i in range(10)]
    for article_id, line in theirs.items():
        assert mine[article_id]["brief"] == line["brief"]
        assert mine[article_id]["metadata"] == {"desk": "world"}
        assert mine[article_id]["meta"]["model"] == line["meta"]["model"] == "m"
    assert len(loopback.requests) == 20  # ten per engine: nothing sent twice


def test_faults_are_error_rows_of_the_articles_they_hit_only(loopback, tmp_path):
    source = write_articles(tmp_path / "in.jsonl", 12)
    seen_429 = []

    def reply(body):
        number = article_number(body)
        if number == 3:
            return lb.error(503)  # every attempt: its retries run out
        if number == 5:
            return lb.raw_content("this is not a brief")  # every attempt invalid
        if number == 7 and not seen_429:
            seen_429.append(time.monotonic())
            return lb.error(429, headers={"Retry-After": "1"})
        return lb.brief(REPLY)

    loopback.default = lb.respond(reply)
    summary = run_ray([source], tmp_path / "out.jsonl", llm_settings(loopback, max_retry_wait=5), concurrency=4)
    out = by_id(tmp_path / "out.jsonl")
    assert sorted(out) == [f"a{i:02d}" for i in range(12)]
    failed = sorted(i for i, line in out.items() if "error" in line)
    assert failed == ["a03", "a05"]
    assert out["a03"]["error"]["type"] == "TransportError" and "503" in out["a03"]["error"]["message"]
    assert out["a05"]["error"]["type"] == "ValidationFailedError"
    assert out["a07"]["brief"]["headline"] == REPLY["headline"]  # the 429 was waited out, then answered
    assert summary["ok"] == 10 and summary["failed"] == 2
    # the 429 paused the job's one limiter, which every maker asks before it sends
    assert summary["server_throttled"] >= 1
    # Retry-After: 1 held every maker at once: in the second after the 429 came only the
    # requests already past the limiter when it was sent (at most the other three of the
    # job's four in flight); each maker on its own would have sent the rest of its share
    after = [r.time - seen_429[0] for r in loopback.requests if r.time > seen_429[0]]
    early = [t for t in after if t < 0.9]
    assert len(after) > len(early) and len(early) <= 3, after


def test_a_fault_every_article_would_meet_stops_the_job_and_writes_nothing_for_it(loopback, tmp_path):
    source = write_articles(tmp_path / "in.jsonl", 40)
    loopback.default = lb.error(401, message="Incorrect API key provided")
    job = RayBatchJob([str(source)], tmp_path / "out.jsonl", llm_settings(loopback),
                      BatchOptions(cache=False, concurrency=4), RayOptions(actors=2))
    summary = job.run()
    assert isinstance(job.fatal, AccessError)
    assert summary["stopped_by"].startswith("AccessError")
    assert (tmp_path / "out.jsonl").read_text() == ""  # every article stays pending for --resume
    assert len(loopback.requests) <= 4  # each maker sends only its first two, in flight at once


def test_the_cache_is_read_and_filled_by_the_actors(loopback, tmp_path):
    source = write_articles(tmp_path / "in.jsonl", 6)
    loopback.default = lb.brief(REPLY)
    settings = llm_settings(loopback)
    cache = tmp_path / "cache.sqlite"
    first = run_ray([source], tmp_path / "one.jsonl", settings, cache=True, cache_path=cache)
    assert first["from_cache"] == 0 and len(loopback.requests) == 6
    second = run_ray([source], tmp_path / "two.jsonl", settings, cache=True, cache_path=cache)
    assert second["from_cache"] == 6 and second["ok"] == 6 and len(loopback.requests) == 6
    assert by_id(tmp_path / "two.jsonl")["a04"]["brief"] == by_id(tmp_path / "one.jsonl")["a04"]["brief"]


def test_a_resume_into_another_configuration_is_refused(loopback, tmp_path):
    source = write_articles(tmp_path / "in.jsonl", 3)
    loopback.default = lb.brief(REPLY)
    run_ray([source], tmp_path / "out.jsonl", llm_settings(loopback))
    with pytest.raises(InputError, match=r"made by a different configuration \(temperature: 0.0 != 0.7\)"):
        run_ray([source], tmp_path / "out.jsonl", llm_settings(loopback, temperature=0.7), resume=True)


def test_a_job_the_cluster_cannot_place_is_refused_not_left_waiting(tmp_path):
    source = write_articles(tmp_path / "in.jsonl", 3)
    with pytest.raises(ConfigError, match=r"has 2 CPUs and the job needs 9 \(9 brief makers"):
        run_ray([source], tmp_path / "out.jsonl", resolve_settings(backend="offline"), actors=9)


def test_killed_mid_run_then_resumed_writes_every_id_once_and_resends_nothing_written(loopback, local_ray, tmp_path):
    total = 60
    source = write_articles(tmp_path / "in.jsonl", total)
    loopback.default = lb.delay(0.05, lb.brief(REPLY))
    out = tmp_path / "out.jsonl"
    env = {**os.environ, **local_ray["env"], "OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "m"}
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(out), "--backend", "openai",
               "--engine", "ray", "--address", local_ray["address"], "--workers", "2", "--concurrency", "4", "--no-cache"]

    def written() -> set[str]:
        if not out.exists():
            return set()
        return {json.loads(line)["id"] for line in out.read_bytes().split(b"\n") if line.endswith(b"}")}

    driver = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(written()) < 15 and driver.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    driver.send_signal(signal.SIGKILL)
    driver.wait(timeout=10)
    before = written()
    assert 15 <= len(before) < total, f"killed at {len(before)} lines: {driver.stderr.read().decode()[-500:]}"
    resumed_at = time.monotonic()
    finished = subprocess.run(command + ["--resume"], env=env, capture_output=True, timeout=180)
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    ids = [line["id"] for line in lines(out)]
    assert sorted(ids) == [f"a{i:02d}" for i in range(total)] and len(ids) == len(set(ids))
    sent_again = {f"a{article_number(r.body):02d}" for r in loopback.requests if r.time > resumed_at}
    assert sent_again and not sent_again & before  # nothing written was sent again


def test_max_tokens_holds_for_the_whole_job_and_no_paid_brief_is_lost(loopback, tmp_path):
    source = write_articles(tmp_path / "in.jsonl", 40)
    loopback.default = lb.delay(0.02, lb.brief(REPLY, usage=(100, 50)))
    summary = run_ray([source], tmp_path / "out.jsonl", llm_settings(loopback), concurrency=6, max_tokens=1000)
    assert summary["stopped_by"] == "--max-tokens 1000"
    assert summary["usage"]["total_tokens"] <= 1000
    written = lines(tmp_path / "out.jsonl")
    assert 0 < len(written) == summary["ok"] and all("brief" in line for line in written)
    assert len(loopback.requests) == len(written)  # every request sent has its line


def test_an_address_nothing_answers_at_is_refused_at_once(tmp_path):
    import socket

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = write_articles(tmp_path / "in.jsonl", 2)
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(tmp_path / "out.jsonl"),
               "--backend", "offline"]
    # a process of its own: this one has joined the module's Ray, which a job here would use as it is
    result = subprocess.run(command + ["--engine", "ray", "--address", f"127.0.0.1:{port}"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"summarizer: error: --address 127.0.0.1:{port}: no Ray cluster answers there (Connection refused); "
        "start one with 'ray start --head', or leave out --address for a Ray on this machine"]
    result = subprocess.run(command + ["--address", "auto"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--address names a Ray cluster: give it with --engine ray" in result.stderr


def test_a_web_address_or_a_web_server_is_refused_in_one_line_and_leaves_no_output(tmp_path):
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    source = write_articles(tmp_path / "in.jsonl", 2)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(out), "--backend", "offline",
               "--engine", "ray", "--address"]
    # Ray would retry either for about 20 s, printing a line of its own every second.
    # The dashboard's address, as `ray job submit` takes it, is the likely mistake
    result = subprocess.run(command + ["http://127.0.0.1:8265"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "summarizer: error: --address http://127.0.0.1:8265: that is a web address (a dashboard's, as 'ray job "
        "submit' takes); give the head's HOST:PORT (its GCS port, 6379 unless set), or 'auto' on a node"]
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)  # accepts the connection, then speaks HTTP/1
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        address = f"127.0.0.1:{web.server_address[1]}"
        result = subprocess.run(command + [address], capture_output=True, text=True, timeout=60)
    finally:
        web.shutdown()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"summarizer: error: --address {address}: a server that is not a Ray cluster's head answers there (a web "
        "server or a dashboard?); give the head's GCS port (6379 unless set), or 'auto' on a node"]
    assert not out.exists()


def test_makers_the_cluster_cannot_start_end_the_job_in_one_line_not_a_hang(tmp_path):
    @ray.remote(num_cpus=2)
    class Squatter:  # holds every CPU of the module's Ray, as another team's job would
        def ready(self) -> bool:
            return True

    squatter = Squatter.remote()
    try:
        ray.get(squatter.ready.remote(), timeout=60)
        source = write_articles(tmp_path / "in.jsonl", 3)
        job = RayBatchJob([str(source)], tmp_path / "out.jsonl", resolve_settings(backend="offline"),
                          BatchOptions(cache=False), RayOptions(actors=1, placement_timeout=3))
        with pytest.raises(ConfigError, match="could not start the job's brief makers in time"):
            job.run()
    finally:
        ray.kill(squatter)
