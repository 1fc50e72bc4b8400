"""The default model is OpenAI's; any other server must be told which model to use."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer.cli import app
from summarizer.config import DEFAULT_MODEL, resolve_settings
from summarizer.errors import ConfigError
from test_llm_backend import ARTICLE, REPLY

runner = CliRunner()


@pytest.mark.parametrize("base_url", [None, "https://api.openai.com/v1"])
def test_openai_s_own_api_gets_the_default_model_and_says_it_is_the_default(base_url):
    settings = resolve_settings(environ={}, base_url=base_url)
    assert (settings.model, settings.model_is_default, settings.chosen_model()) == (DEFAULT_MODEL, True, DEFAULT_MODEL)
    chosen = resolve_settings(environ={"SUMMARIZER_MODEL": "gpt-4.1"}, base_url=base_url)
    assert (chosen.model, chosen.model_is_default) == ("gpt-4.1", False)


def test_another_server_without_a_model_is_refused_naming_it_without_credentials():
    settings = resolve_settings(environ={}, base_url="http://user:s3cret@127.0.0.1:8000/v1")
    assert settings.model is None
    with pytest.raises(ConfigError) as refused:
        settings.chosen_model()
    assert refused.value.message.startswith("no model named for the server at http://127.0.0.1:8000/v1: pass --model")
    assert "s3cret" not in refused.value.message and refused.value.exit_code == 2
    assert resolve_settings(environ={"SUMMARIZER_MODEL": "qwen2.5:7b"}, base_url="http://127.0.0.1:8000/v1").chosen_model() == "qwen2.5:7b"


def test_cli_brief_against_a_local_server_without_a_model_sends_nothing_and_says_what_to_do(loopback, tmp_path, monkeypatch):
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)
    loopback.default = lb.brief(REPLY)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", loopback.url])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "no model named for the server" in result.stderr
    assert loopback.requests == []
    chosen = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", loopback.url, "--model", "m"])
    assert chosen.exit_code == 0, chosen.stderr
    assert [r.body["model"] for r in loopback.requests] == ["m"] and "default" not in chosen.stderr


def test_cli_export_needs_a_model_for_a_local_server_and_names_the_default_for_openai(tmp_path, monkeypatch):
    monkeypatch.delenv("SUMMARIZER_MODEL", raising=False)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n", encoding="utf-8")
    prefix = tmp_path / "req"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    refused = runner.invoke(app, ["batch", "export", str(source), "--prefix", str(prefix)])
    assert refused.exit_code == 2 and "no model named for the server at http://127.0.0.1:8000/v1" in refused.stderr
    assert list(tmp_path.glob("req-*")) == []
    monkeypatch.delenv("OPENAI_BASE_URL")
    made = runner.invoke(app, ["batch", "export", str(source), "--prefix", str(prefix)])
    assert made.exit_code == 0, made.stderr
    assert f"summarizer: model {DEFAULT_MODEL} (the default for OpenAI's API;" in made.stderr
    request = json.loads((tmp_path / "req-0001.jsonl").read_text(encoding="utf-8"))
    assert request["body"]["model"] == DEFAULT_MODEL


def _one_fixture(folder):
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "a.gold.json").write_text(json.dumps({"participants": []}), encoding="utf-8")
    return folder


def test_eval_says_which_backend_and_model_it_uses_and_needs_a_model_for_a_local_server(loopback, tmp_path):
    fixtures = _one_fixture(tmp_path / "fx")
    fallen_back = runner.invoke(app, ["eval", "--dataset", str(fixtures), "--report-dir", str(tmp_path / "r1")])
    assert fallen_back.exit_code == 0, fallen_back.stderr
    assert "no OPENAI_API_KEY or OPENAI_BASE_URL set: using the offline backend" in fallen_back.stderr
    loopback.default = lb.brief(REPLY)
    refused = runner.invoke(app, ["eval", "--dataset", str(fixtures), "--backend", "openai", "--base-url", loopback.url,
                                  "--report-dir", str(tmp_path / "r2")])
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "no model named for the server" in refused.stderr and loopback.requests == []
