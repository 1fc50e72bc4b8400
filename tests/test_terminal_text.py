"""Class tests over every command: what is meant for a terminal or Markdown carries no C0 or
C1 control (newline and tab aside), and every JSON line or document written is strict JSON.

Each command has a recipe that drives it with hostile text where that command can show it:
a model's reply, a server's error, an article, an id, a file name, a provider's batch
record. A recipe returns what the command produced; the checks are the same for all. A
command without a recipe fails ``test_every_command_has_a_recipe``, so a new command cannot
skip the class.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import loopback as lb
from summarizer.cli import app
from test_batch_cli_provider import intercept, refuse
from test_batch_provider import FakeBatchAPI, completion, good_reply, output_line
from test_llm_backend import ARTICLE, REPLY
from test_output_escaping import ESCAPES, controls_in

runner = CliRunner()
MARK = "pwned"  # the visible part of ESCAPES: it must reach the output as text, not vanish
HOSTILE_ID = f"news-{ESCAPES}-1"
IN_NAME = ESCAPES.replace("/", "")  # the same controls in a file name


@dataclass
class Produced:
    """What one run of a command gave: its streams, how stdout is meant to be read, its files."""

    stderr: str
    stdout: str
    stdout_kind: str  # "text" (a terminal or Markdown), "json", "jsonl"
    files: list[Path] = field(default_factory=list)


def run(args: list[str], stdout_kind: str = "text", files: tuple[Path, ...] = (), env: dict | None = None,
        exit_codes: tuple[int, ...] = (0,)) -> Produced:
    result = runner.invoke(app, args, env=env)
    assert result.exit_code in exit_codes, (args, result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return Produced(result.stderr, result.stdout, stdout_kind, [f for f in files if f.exists()])


def _hostile_reply() -> dict:
    reply = copy.deepcopy(REPLY)
    reply["headline"] = f"Talks {ESCAPES} in Lisbon"
    return reply


def _article(folder: Path, text: str = ARTICLE, name: str = "article.txt") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


# --- one recipe per command -----------------------------------------------------------------------


def brief(tmp: Path) -> list[Produced]:
    article = _article(tmp)
    with lb.LoopbackServer() as server:
        base = ["brief", str(article), "--backend", "openai", "--base-url", server.url, "--model", "m"]
        server.default = lb.brief(_hostile_reply())
        produced = [run([*base, "--format", "md"]), run([*base, "--format", "json"], "json")]
        server.default = lb.error(400, message=f"bad request {ESCAPES} here")
        produced.append(run(base, exit_codes=(1,)))
    produced.append(run(["brief", str(tmp / f"gone{IN_NAME}.txt"), "--backend", "offline"], exit_codes=(2,)))
    return produced


def schema(tmp: Path) -> list[Produced]:
    not_a_folder = _article(tmp, "", f"file{IN_NAME}")
    return [run(["schema"], "json"), run(["schema", "-o", str(not_a_folder / "s.json")], exit_codes=(2,))]


def validate(tmp: Path) -> list[Produced]:
    bad = _jsonl(tmp / f"brief{IN_NAME}.json", [{"headline": f"x {ESCAPES}", "summary": 3}])
    return [run(["validate", str(bad)], exit_codes=(1, 2))]


def eval_(tmp: Path) -> list[Produced]:
    data = tmp / "data"
    data.mkdir()
    _article(data, ARTICLE, "plain.txt")  # an article with controls is refused as binary: see test_inputs
    (data / "plain.gold.json").write_text(json.dumps({"participants": []}), encoding="utf-8")
    _article(data, ARTICLE, "shown.txt")
    (data / "shown.gold.json").write_text(json.dumps({"participants": []}), encoding="utf-8")
    predictions = _jsonl(tmp / "preds.jsonl", [
        {"id": "plain", "error": {"type": "APIRequestError", "message": f"server said {ESCAPES}"}},
        {"id": "shown", "brief": _hostile_reply()},
    ])
    reports = tmp / "rep"
    base = ["eval", "--dataset", str(data), "--predictions", str(predictions), "--report-dir", str(reports),
            "--allow-failures"]  # the failed article's error is shown, and the scores of the other
    saved = tmp / "saved.jsonl"
    return [run([*base, "--format", "md"], files=(reports / "report.md", reports / "report.json")),
            run([*base, "--format", "json"], "json"),
            run(["eval", "--dataset", str(data), "--backend", "offline", "--format", "md", "--report-dir",
                 str(tmp / "rep2"), "--save-predictions", str(saved)], files=(saved, tmp / "rep2" / "report.md"))]


def batch_run(tmp: Path) -> list[Produced]:
    source = _jsonl(tmp / "in.jsonl", [
        {"id": HOSTILE_ID, "text": ARTICLE, "note": ESCAPES},
        {"id": "news-2", "text": ARTICLE + " Later on Monday the talks resumed."},
    ])
    out = tmp / "out.jsonl"
    with lb.LoopbackServer() as server:
        server.script = [lb.brief(_hostile_reply()), lb.error(400, message=f"bad request {ESCAPES} here")]
        produced = run(["batch", "run", str(source), "-o", str(out), "--backend", "openai", "--base-url", server.url,
                        "--model", "m", "--no-cache", "--concurrency", "1", "--workers", "1"],
                       files=(out,), exit_codes=(0, 1))
    return [produced]


def batch_export(tmp: Path) -> list[Produced]:
    source = _jsonl(tmp / "in.jsonl", [{"id": HOSTILE_ID, "text": ARTICLE, "note": ESCAPES}])
    produced = run(["batch", "export", str(source), "--prefix", str(tmp / "req"), "--model", "m"])
    produced.files = sorted(tmp.glob("req-*.jsonl"))
    assert produced.files
    return [produced]


def batch_import(tmp: Path) -> list[Produced]:
    source = _jsonl(tmp / "in.jsonl", [{"id": "news-1", "text": ARTICLE}, {"id": "news-2", "text": ARTICLE}])
    provider = _jsonl(tmp / "provider.jsonl", [
        output_line("news-1", completion(json.dumps(_hostile_reply()))),
        {"id": "r2", "custom_id": "news-2", "response": None,
         "error": {"code": "server_error", "message": f"failed {ESCAPES} badly"}},
        output_line(HOSTILE_ID, completion(json.dumps(good_reply(0)))),
    ])
    out = tmp / "briefs.jsonl"
    return [run(["batch", "import", str(provider), "--inputs", str(source), "-o", str(out)], files=(out,),
                exit_codes=(0, 1))]


def _provider(tmp: Path, api: FakeBatchAPI) -> tuple[dict, Path]:
    request = _jsonl(tmp / "req-0001.jsonl", [
        {"custom_id": "news-1", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "m", "messages": []}}])
    env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": api.url}
    return env, request


def batch_submit(tmp: Path) -> list[Produced]:
    api = FakeBatchAPI()
    try:
        env, request = _provider(tmp, api)
        intercept(api, lambda handler: refuse(handler, 400, f"refused {ESCAPES} upload"))
        return [run(["batch", "submit", str(request)], env=env, exit_codes=(1, 2))]
    finally:
        api.close()


def _hostile_batch(api: FakeBatchAPI) -> None:
    api.batches["batch_1"] = {
        "id": "batch_1", "object": "batch", "endpoint": "/v1/chat/completions", "input_file_id": "file-1",
        "completion_window": "24h", "status": "failed", "created_at": 0, "metadata": {"note": ESCAPES},
        "output_file_id": None, "error_file_id": None, "request_counts": {"total": 1, "completed": 0, "failed": 1},
        "errors": {"object": "list", "data": [{"code": "invalid", "message": f"line 1 {ESCAPES} is bad",
                                                "param": None, "line": 1}]},
    }


def batch_status(tmp: Path) -> list[Produced]:
    api = FakeBatchAPI()
    try:
        env, _ = _provider(tmp, api)
        _hostile_batch(api)
        return [run(["batch", "status", "batch_1"], env=env, exit_codes=(0, 1)),
                run(["batch", "status", "batch_1", "--json"], "json", env=env, exit_codes=(0, 1))]
    finally:
        api.close()


def batch_download(tmp: Path) -> list[Produced]:
    api = FakeBatchAPI()
    try:
        env, _ = _provider(tmp, api)
        _hostile_batch(api)
        folder = tmp / "got"
        intercept(api, lambda handler: handler.path.endswith("/missing") and refuse(handler, 404, f"no {ESCAPES} here"))
        return [run(["batch", "download", "batch_1", "-d", str(folder)], env=env, exit_codes=(0, 1, 2)),
                run(["batch", "download", "missing", "-d", str(folder)], env=env, exit_codes=(1, 2))]
    finally:
        api.close()


RECIPES: dict[tuple[str, ...], Callable[[Path], list[Produced]]] = {
    ("brief",): brief,
    ("schema",): schema,
    ("validate",): validate,
    ("eval",): eval_,
    ("batch", "run"): batch_run,
    ("batch", "export"): batch_export,
    ("batch", "import"): batch_import,
    ("batch", "submit"): batch_submit,
    ("batch", "status"): batch_status,
    ("batch", "download"): batch_download,
}


def _commands(command, path: tuple[str, ...] = ()):
    children = getattr(command, "commands", None)  # a group, in typer's vendored click or click itself
    if not children:
        yield path
        return
    for name, child in children.items():
        yield from _commands(child, (*path, name))


def test_every_command_has_a_recipe():
    assert sorted(_commands(typer.main.get_command(app))) == sorted(RECIPES)


def _strict(text: str) -> object:
    def refuse_constant(token: str) -> None:
        raise AssertionError(f"not strict JSON: bare {token}")

    return json.loads(text, parse_constant=refuse_constant)


def _check_text(where: str, text: str) -> None:
    assert controls_in(text) == [], f"{where} carries controls: {controls_in(text)!r}\n{text}"


def _check(produced: Produced) -> None:
    _check_text("stderr", produced.stderr)
    if produced.stdout_kind == "json":
        _strict(produced.stdout)
    elif produced.stdout_kind == "jsonl":
        for line in produced.stdout.splitlines():
            _strict(line)
    else:
        _check_text("stdout", produced.stdout)
    for path in produced.files:
        content = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            for line in filter(str.strip, content.splitlines()):
                _strict(line)
        elif path.suffix == ".json":
            _strict(content)
        else:
            _check_text(str(path.name), content)


@pytest.mark.parametrize("command", sorted(RECIPES), ids=" ".join)
def test_terminal_text_is_plain_and_json_is_strict(command, tmp_path):
    everything = RECIPES[command](tmp_path)
    for produced in everything:
        _check(produced)
    shown = "".join(p.stderr + p.stdout + "".join(f.read_text(encoding="utf-8") for f in p.files) for p in everything)
    assert MARK in shown, f"the hostile text never reached {' '.join(command)}'s output: the recipe tests nothing"
