"""An eval says when articles failed, and never scores what was not predicted as perfect."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.evaluate import Prediction, evaluate, load_dataset, write_reports
from summarizer.evaluate.baseline import regressions
from summarizer.evaluate.runner import with_repeats
from summarizer.models import Brief
from test_eval_harness import ARTICLE, GOLD, as_prediction

runner = CliRunner()


def eval_args(folder, predictions, reports, *more: str) -> list[str]:
    return ["eval", "-d", str(folder), "--predictions", str(predictions), "--report-dir", str(reports),
            "--format", "none", *more]


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
