"""``--retry-failed`` after fixing the failing inputs reruns them; a refusal names the files that changed."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from summarizer.batch.ledger import Ledger
from summarizer.batch.manifest import check_manifest
from summarizer.cli import app
from summarizer.errors import InputError
from test_llm_backend import ARTICLE

runner = CliRunner()


def batch(*args: str):
    return runner.invoke(app, ["batch", *args, "--backend", "offline", "--no-cache"])


def lines(path):
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_retry_failed_after_fixing_an_input_file_reruns_its_failures_and_names_it(tmp_path):
    good, broken = tmp_path / "good.jsonl", tmp_path / "broken.jsonl"
    good.write_text(json.dumps({"id": "g1", "text": ARTICLE}) + "\n", encoding="utf-8")
    broken.write_text(json.dumps({"id": "b1", "text": "   \n "}) + "\n", encoding="utf-8")  # blank: an error line
    out = tmp_path / "out.jsonl"
    first = batch(str(good), str(broken), "-o", str(out))
    assert first.exit_code == 0, first.stderr
    assert "error" in lines(out)["b1"] and "brief" in lines(out)["g1"]
    g1_before = lines(out)["g1"]

    broken.write_text(json.dumps({"id": "b1", "text": ARTICLE + "\n\nA later paragraph."}) + "\n", encoding="utf-8")
    resumed = batch(str(good), str(broken), "-o", str(out), "--resume")  # a resume is not a retry: refused
    assert resumed.exit_code == 2
    assert f"made from other inputs ({broken} (changed))" in resumed.stderr and "--retry-failed" in resumed.stderr
    assert "hash" not in resumed.stderr

    retried = batch(str(good), str(broken), "-o", str(out), "--retry-failed")
    assert retried.exit_code == 0, retried.stderr
    after = lines(out)
    assert sorted(after) == ["b1", "g1"] and "brief" in after["b1"] and after["g1"] == g1_before
    assert f"inputs changed since the output began ({str(broken) + ' (changed)'!r})" in retried.stderr
    assert json.loads(retried.stderr[retried.stderr.index("{"):retried.stderr.rindex("}") + 1])["ok"] == 1

    again = batch(str(good), str(broken), "-o", str(out), "--resume")  # the manifest now holds the fixed inputs
    assert again.exit_code == 0, again.stderr


def test_retry_failed_still_refuses_another_configuration_and_says_which_setting(tmp_path):
    out = tmp_path / "out.jsonl"
    old = {"inputs": "a", "input_files": {"in.jsonl": "a"}, "articles": 1, "model": "m1"}
    with Ledger(out, old) as ledger:
        ledger.write({"id": "x", "error": {"type": "InputError", "message": "m", "attempts": 0}})
    new = {"inputs": "b", "input_files": {"in.jsonl": "b", "more.jsonl": "c"}, "articles": 2, "model": "m2"}
    try:
        Ledger(out, new, retry_failed=True)
    except InputError as exc:
        assert exc.message.startswith(f"{out} was made by a different configuration (model: 'm1' != 'm2');")
    else:
        raise AssertionError("a retry under another model was accepted")
    rewrite, changed = check_manifest(out, {**new, "model": "m1"}, force=False, inputs_may_change=True)
    assert rewrite is not None and changed == ["in.jsonl (changed)", "more.jsonl (new)"]


def test_an_output_begun_before_files_were_named_resumes_when_its_inputs_are_the_same(tmp_path):
    out = tmp_path / "out.jsonl"
    with Ledger(out, {"inputs": "a", "articles": 1, "model": "m"}) as ledger:  # an older manifest
        ledger.write({"id": "x", "brief": {}, "meta": {}})
    with Ledger(out, {"inputs": "a", "input_files": {"in.jsonl": "a"}, "articles": 1, "model": "m"},
                resume=True) as ledger:
        assert ledger.done == {"x"}
