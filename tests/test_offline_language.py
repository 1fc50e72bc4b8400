"""The offline backend reads English: another script or language is refused in one line
naming it, with the fix (an LLM backend), exit 2; in a batch, one error line. No English
news text is refused, however many foreign names, numbers or quoted phrases it holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import loopback as lb
from conftest import ROOT, SEED_ARTICLE
from language_samples import ENGLISH_HARD, FOREIGN, NAMED
from summarizer import Summarizer
from summarizer.cli import app
from summarizer.errors import InputError, error_from_data
from summarizer.offline.language import unreadable
from test_long_articles import ARTICLE as LONG_ARTICLE

runner = CliRunner()

PROJECT_ARTICLES = sorted(
    [*ROOT.glob("examples/*.txt"), *ROOT.glob("evals/fixtures/*.txt")]
    + ([SEED_ARTICLE] if SEED_ARTICLE.is_file() else [])
)
FIX = "use an LLM backend (--backend openai with a model that reads {}"


def refusal(text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        Summarizer(backend="offline").summarize(text)
    return caught.value


# --- refused ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["ru", "zh", "ar"])
def test_an_article_in_another_script_is_refused_in_one_line_naming_language_and_script(code):
    script, language = NAMED[code]
    error = refusal(FOREIGN[code])
    assert error.message == (f"the offline backend reads English; this article looks {language} ({script} script): "
                             f"{FIX.format(language)})")
    assert error.exit_code == 2
    assert error.context == {"language": code, "script": script}


@pytest.mark.parametrize("code", ["fr", "es", "de", "pt", "id", "tr"])
def test_an_article_in_another_latin_script_language_is_refused_naming_the_language(code):
    _, language = NAMED[code]
    error = refusal(FOREIGN[code])
    assert error.message == f"the offline backend reads English; this article looks {language}: {FIX.format(language)})"
    assert "\n" not in error.message
    assert error.context == {"language": code, "script": "Latin"}


def test_the_refusal_survives_the_trip_from_a_batch_helper_process():
    error = refusal(FOREIGN["ru"])
    again = error_from_data(json.loads(json.dumps(error.to_data())))
    assert type(again) is InputError and again.message == error.message
    assert again.context == {"language": "ru", "script": "Cyrillic"}


# --- read ---------------------------------------------------------------------------------


def test_project_articles_are_enough_to_test():
    assert len(PROJECT_ARTICLES) >= 30


@pytest.mark.parametrize("path", PROJECT_ARTICLES, ids=lambda p: p.name)
def test_no_project_article_is_refused(path):
    assert unreadable(path.read_text(encoding="utf-8")) is None


def test_the_long_article_of_the_long_article_tests_is_read():
    assert unreadable(LONG_ARTICLE) is None


@pytest.mark.parametrize("name", sorted(ENGLISH_HARD))
def test_hard_english_is_read(name):
    assert unreadable(ENGLISH_HARD[name]) is None


def test_english_is_decided_without_loading_the_language_model():
    # Only a refusal pays for py3langid's model; every English text, hard ones included,
    # is settled by the word counts.
    code = (
        "import sys; sys.path[:0] = ['tests']\n"
        "from language_samples import ENGLISH_HARD\n"
        "from pathlib import Path\n"
        "from summarizer.offline.language import unreadable\n"
        f"paths = {[str(p) for p in PROJECT_ARTICLES]!r}\n"
        "texts = [Path(p).read_text(encoding='utf-8') for p in paths] + list(ENGLISH_HARD.values())\n"
        "assert all(unreadable(t) is None for t in texts)\n"
        "print('py3langid' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_mostly_english_article_with_a_paragraph_of_russian_is_english():
    brief = Summarizer(backend="offline").summarize(ENGLISH_HARD["mixed-russian-paragraph"])
    assert "Daniyar Sultanov" in [p.name for p in brief.participants]


def test_a_few_words_are_too_little_to_judge_and_are_read():
    assert unreadable("Foreign Minister Ana Duarte said exports rose 12 percent.") is None
    assert unreadable("Ministro Duarte: exportaciones +12%") is None


# --- the command line and batches ---------------------------------------------------------


def test_the_cli_exits_2_with_one_line_on_stderr(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_text(FOREIGN["ru"], encoding="utf-8")
    result = runner.invoke(app, ["brief", "--backend", "offline", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "summarizer: error: the offline backend reads English; this article looks Russian (Cyrillic script): "
        f"{FIX.format('Russian')})"
    ]


def test_a_batch_gives_the_foreign_articles_an_error_line_and_the_others_their_briefs(tmp_path):
    folder = tmp_path / "mix"
    folder.mkdir()
    for code in ("ru", "zh", "fr"):
        (folder / f"{code}.txt").write_text(FOREIGN[code], encoding="utf-8")
    for path in sorted(ROOT.glob("examples/*.txt"))[:2]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "mixed.txt").write_text(ENGLISH_HARD["mixed-russian-paragraph"], encoding="utf-8")
    out = tmp_path / "out.jsonl"

    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--backend", "offline", "--no-cache"])

    assert result.exit_code == 0, result.stderr  # one failed article never fails the job
    rows = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert len(rows) == 6
    for code in ("ru", "zh", "fr"):
        script, language = NAMED[code]
        error = rows[code]["error"]
        assert "brief" not in rows[code]
        assert error["type"] == "InputError" and f"this article looks {language}" in error["message"]
        assert error["context"] == {"language": code, "script": script}
    assert all("brief" in rows[i] and "error" not in rows[i] for i in rows if i not in ("ru", "zh", "fr"))
    summary = json.loads(result.stderr[result.stderr.index("{\n"):])
    assert (summary["ok"], summary["failed"], summary["failed_by_reason"]) == (3, 3, {"InputError": 3})


def test_an_llm_backend_is_not_refused_a_russian_article(loopback):
    excerpt = "экспорт пшеницы вырос на двенадцать процентов"
    assert excerpt in FOREIGN["ru"]
    loopback.enqueue(lb.brief({
        "headline": "Казахстан возобновит переговоры о транзите зерна",
        "summary": "Переговоры возобновятся на следующей неделе.",
        "participants": [], "figures": [], "security_concerns": [],
        "topics": [{"label": "экспорт зерна", "category": "economy_trade", "evidence": [excerpt]}],
    }))
    summarizer = Summarizer(backend="openai", base_url=loopback.url, api_key="sk-test", model="m")
    brief = summarizer.summarize(FOREIGN["ru"])
    assert [t.label for t in brief.topics] == ["экспорт зерна"]
    assert len(loopback.requests) == 1
