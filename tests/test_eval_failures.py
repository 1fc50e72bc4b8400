"""An eval says when articles failed, and never scores what was not predicted as perfect."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.evaluate import Prediction, evaluate, load_dataset, read_predictions, said_failed, write_reports
from summarizer.evaluate.baseline import regressions
from summarizer.evaluate.runner import with_repeats
from summarizer.models import Brief
from test_eval_harness import ARTICLE, GOLD, as_prediction

runner = CliRunner()
IDS = ("a1", "a2", "a3", "a4", "a5")
# a1 has a brief; a2 and a3 timed out; a4 never gave a valid reply; a5 has no line at all
ERRORS = {
    "a2": {"type": "TransportError", "message": "API unavailable after 3 attempt(s): timed out", "attempts": 3},
    "a3": {"type": "TransportError", "message": "API unavailable after 3 attempt(s): timed out", "attempts": 3},
    "a4": {"type": "ValidationFailedError", "message": "no valid brief after 3 attempts", "attempts": 3},
}
BY_KIND = "2 API unavailable, 1 no valid reply, 1 no prediction"  # most first, then as met


@pytest.fixture
def five(tmp_path):
    """Five copies of the harness's article, and predictions for them: one brief, three errors, one missing."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in IDS:
        (folder / f"{name}.txt").write_text(ARTICLE, encoding="utf-8")
        (folder / f"{name}.gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    lines = [{"id": "a1", "brief": as_prediction(GOLD).model_dump(mode="json")}]
    lines += [{"id": name, "error": error} for name, error in ERRORS.items()]
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return folder, predictions


def eval_args(folder, predictions, reports, *more: str) -> list[str]:
    return ["eval", "-d", str(folder), "--predictions", str(predictions), "--report-dir", str(reports),
            "--format", "none", *more]


def test_some_failed_articles_exit_1_in_one_line_counting_them_by_kind(five, tmp_path):
    folder, predictions = five
    reports = tmp_path / "reports"
    result = runner.invoke(app, eval_args(folder, predictions, reports))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"summarizer: error: 4 of 5 articles failed ({BY_KIND}); {reports / 'report.md'} lists each; "
        "pass --allow-failures to accept scores that count them as empty briefs"]
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))  # written before the exit
    assert report["failed_by_kind"] == {"TransportError": 2, "ValidationFailedError": 1, "missing": 1}
    assert [(a["id"], a["kind"]) for a in report["failed_articles"]] == [
        ("a2", "TransportError"), ("a3", "TransportError"), ("a4", "ValidationFailedError"), ("a5", "missing")]


def test_allow_failures_exits_0_and_still_reports_each_failure(five, tmp_path):
    folder, predictions = five
    reports = tmp_path / "reports"
    result = runner.invoke(app, eval_args(folder, predictions, reports, "--allow-failures"))
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "failed" in line] == [
        f"summarizer: 4 of 5 articles failed ({BY_KIND}), scored as empty briefs; {reports / 'report.md'} lists each"]
    markdown = (reports / "report.md").read_text(encoding="utf-8")
    assert f"## Failed articles\n\n4 of 5 articles failed ({BY_KIND}); each scores as an empty brief." in markdown
    assert "- a4: ValidationFailedError: no valid brief after 3 attempts" in markdown
    assert "- a5: no prediction for this id" in markdown


def test_allow_failures_does_not_pass_a_run_in_which_every_article_failed(five, tmp_path):
    folder, predictions = five
    lines = predictions.read_text(encoding="utf-8").splitlines()[1:]  # a1's brief gone: nothing scored
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reports = tmp_path / "reports"
    result = runner.invoke(app, eval_args(folder, predictions, reports, "--allow-failures"))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines() == [
        "summarizer: error: every article failed (5 of 5: 2 no prediction, 2 API unavailable, 1 no valid reply), "
        f"so nothing was scored; the first, a1: no prediction for this id; {reports / 'report.md'} lists each"]


def test_allow_failures_still_gates_on_the_baseline(five, tmp_path):
    folder, predictions = five
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"tolerance": 0.02, "metrics": {"fields.figures.f1": 1.0}}), encoding="utf-8")
    result = runner.invoke(app, eval_args(folder, predictions, tmp_path / "r", "--allow-failures",
                                          "--baseline", str(baseline)))
    assert result.exit_code == 3, result.stderr
    assert "summarizer: regression: fields.figures.f1 fell from 1.0000 to 0.3333 (-0.6667)" in result.stderr


def test_the_kind_of_an_earlier_versions_error_line_is_read_from_its_message(five, tmp_path):
    folder, predictions = five
    lines = [{"id": "a2", "error": {"type": "error", "message": "TransportError: API unavailable: timed out"}},
             {"id": "a3", "error": {"type": "error", "message": "something broke"}}]
    predictions.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report, _ = evaluate(load_dataset(folder), predictions=read_predictions(predictions))
    assert [(a["id"], a["kind"]) for a in report["failed_articles"]] == [
        ("a1", "missing"), ("a2", "TransportError"), ("a3", "SummarizerError"), ("a4", "missing"), ("a5", "missing")]
    assert said_failed(report) == "5 of 5 articles failed (3 no prediction, 1 API unavailable, 1 other error)"


def test_a_failed_article_online_is_recorded_by_its_error_class_and_exits_1(loopback, tmp_path):
    import loopback as lb
    from test_llm_backend import ARTICLE as NEWS, REPLY

    data = tmp_path / "data"
    data.mkdir()
    for name in ("one", "two"):
        (data / f"{name}.txt").write_text(f"{NEWS}\n\nDispatch {name}.", encoding="utf-8")
        (data / f"{name}.gold.json").write_text(json.dumps({"participants": []}), encoding="utf-8")
    loopback.default = lb.error(400, message="still refused")
    loopback.enqueue(lb.brief(REPLY))
    reports = tmp_path / "reports"
    base = ["eval", "--dataset", str(data), "--backend", "openai", "--base-url", loopback.url, "--model", "m",
            "--no-cache", "--format", "none", "--report-dir", str(reports)]
    result = runner.invoke(app, base)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"summarizer: error: 1 of 2 articles failed (1 refused by the API); {reports / 'report.md'} lists each; "
        "pass --allow-failures to accept scores that count them as empty briefs")
    report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert [(a["id"], a["kind"]) for a in report["failed_articles"]] == [("two", "APIRequestError")]
    loopback.enqueue(lb.brief(REPLY))
    allowed = runner.invoke(app, [*base, "--allow-failures"])
    assert allowed.exit_code == 0, allowed.stderr


# --- undefined metrics -------------------------------------------------------------------


@pytest.fixture
def lima(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "lima.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "lima.gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return folder


def test_precision_and_grounding_of_nothing_predicted_are_undefined_not_one(lima, tmp_path):
    fixtures = load_dataset(lima)
    report, _ = evaluate(fixtures, predictions={"lima": Prediction("lima", Brief())})
    figures = report["fields"]["figures"]
    # nothing predicted against three gold figures: precision has no value, recall and F1 are 0
    assert (figures["precision"], figures["recall"], figures["f1"]) == (None, 0.0, 0.0)
    assert (figures["macro_precision"], figures["macro_recall"], figures["macro_f1"]) == (None, 0.0, 0.0)
    assert report["grounding_rate"] is None and report["articles"][0]["grounding_rate"] is None
    assert report["articles"][0]["fields"]["figures"]["precision"] is None
    write_reports(report, fixtures, tmp_path / "r")
    saved = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert saved["fields"]["figures"]["precision"] is None and saved["grounding_rate"] is None
    markdown = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "| figures | n/a | 0.000 | **0.000** | 0.000 | 0 | 0 | 3 |" in markdown
    assert "Grounding rate: **n/a** (nothing predicted)." in markdown
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<tr><td>figures</td><td class=num>n/a</td><td class=num>0.000</td>" in html
    assert "<p>Grounding rate n/a (nothing predicted)</p>" in html


def test_a_field_with_neither_gold_nor_predictions_has_f1_one_and_no_precision(lima):
    gold = {**GOLD, "security_concerns": []}
    (lima / "lima.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    report, _ = evaluate(load_dataset(lima), predictions={"lima": Prediction("lima", as_prediction(gold))})
    concerns = report["fields"]["security_concerns"]
    assert (concerns["precision"], concerns["recall"], concerns["f1"], concerns["macro_f1"]) == (None, 1.0, 1.0, 1.0)
    assert report["fields"]["figures"]["precision"] == 1.0  # a field with predictions keeps its number


def test_an_undefined_metric_where_the_baseline_has_a_number_is_a_regression(lima, tmp_path):
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text(json.dumps({"id": "lima", "brief": Brief().model_dump(mode="json")}) + "\n", encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"tolerance": 0.02, "metrics": {"grounding_rate": 1.0,
                                                                   "fields.figures.precision": 0.9}}))
    result = runner.invoke(app, eval_args(lima, predictions, tmp_path / "r", "--baseline", str(baseline)))
    assert result.exit_code == 3, result.stderr
    assert [line for line in result.stderr.splitlines() if "regression" in line] == [
        "summarizer: regression: fields.figures.precision fell from 0.9000 to undefined (nothing predicted)",
        "summarizer: regression: grounding_rate fell from 1.0000 to undefined (nothing predicted)"]


def test_a_baseline_holding_no_number_is_refused_in_one_line(lima, tmp_path):
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text(json.dumps({"id": "lima", "brief": as_prediction(GOLD).model_dump(mode="json")}) + "\n")
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"metrics": {"grounding_rate": None}}))
    result = runner.invoke(app, eval_args(lima, predictions, tmp_path / "r", "--baseline", str(baseline)))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"summarizer: error: {baseline}: metric grounding_rate is null, not a number"]


def test_repeated_runs_that_predicted_nothing_keep_the_metric_undefined_for_the_gate():
    runs = [{"fields": {"figures": {"f1": 0.0}}, "grounding_rate": None} for _ in range(2)]
    repeated = with_repeats(runs)
    assert repeated["repeat"]["metrics"]["grounding_rate"] == {"mean": None, "stdev": None, "min": None, "max": None}
    fallen = regressions(repeated, {"metrics": {"grounding_rate": 1.0}})
    assert [str(r) for r in fallen] == ["grounding_rate fell from 1.0000 to undefined (nothing predicted)"]
