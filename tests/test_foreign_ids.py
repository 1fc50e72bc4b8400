"""An output holds results for the inputs' ids only: never a line for an id the inputs lack."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from summarizer.batch.ledger import Ledger
from summarizer.cli import app
from summarizer.errors import InputError
from test_llm_backend import ARTICLE, REPLY

runner = CliRunner()
FP = {"backend": "offline", "model": None, "prompt_version": "p1"}


def record(article_id: str) -> dict:
    return {"id": article_id, "brief": {"headline": "h"}, "meta": {}}


def test_a_resume_into_an_output_with_ids_not_among_the_inputs_is_refused_naming_them(tmp_path):
    out = tmp_path / "out.jsonl"
    with Ledger(out, FP, ids={"a", "b", "c"}) as ledger:
        ledger.write(record("a"))
    with out.open("a", encoding="utf-8") as handle:  # lines appended by hand, or by a run over other inputs
        for stranger in ("zz-1", "zz-2"):
            handle.write(json.dumps(record(stranger)) + "\n")
    before = out.read_bytes()
    try:
        Ledger(out, FP, resume=True, ids={"a", "b", "c"})
    except InputError as exc:
        assert "2 id(s) that are not among the inputs: 'zz-1', 'zz-2'" in exc.message
    else:
        raise AssertionError("the resume was accepted")
    assert out.read_bytes() == before  # refused before anything was touched
    with Ledger(out, FP, resume=True) as ledger:  # without ids (a library caller's choice) it still opens
        assert ledger.done == {"a", "zz-1", "zz-2"}


def test_cli_resume_refuses_an_appended_line_with_exit_2(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": f"{ARTICLE}\n\nItem {i}."}) + "\n" for i in range(3)),
                      encoding="utf-8")
    out = tmp_path / "out.jsonl"
    first = runner.invoke(app, ["batch", str(source), "-o", str(out), "--backend", "offline", "--no-cache"])
    assert first.exit_code == 0, first.stderr
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    with out.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({**line, "id": "intruder"}) + "\n")
    resumed = runner.invoke(app, ["batch", str(source), "-o", str(out), "--backend", "offline", "--no-cache", "--resume"])
    assert resumed.exit_code == 2
    assert resumed.stderr.count("\n") == 1 and "'intruder'" in resumed.stderr and "not among the inputs" in resumed.stderr


def test_cli_import_sets_aside_unknown_custom_ids_with_one_warning(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a0", "text": ARTICLE}) + "\n", encoding="utf-8")

    def completion(custom_id: str) -> dict:
        body = {"id": "c", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": json.dumps(REPLY)}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}
        return {"id": "r", "custom_id": custom_id, "response": {"status_code": 200, "body": body}, "error": None}

    results = tmp_path / "provider-output.jsonl"
    results.write_text("".join(json.dumps(completion(i)) + "\n" for i in ("a0", "other-batch-7", "other-batch-8")),
                       encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", "import", str(results), "--inputs", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a0"]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("summarizer:")]
    assert warnings == ["summarizer: set aside 2 result(s) whose custom_id is no article of --inputs (not written): "
                        "'other-batch-7', 'other-batch-8'; are these files of another batch?"]
    assert json.loads(result.stderr[result.stderr.index("{"):])["set_aside"] == 2
