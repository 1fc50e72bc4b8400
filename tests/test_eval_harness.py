"""The eval harness scores as an analyst would, and its numbers move exactly as they should."""

from __future__ import annotations

import copy
import json

import pytest
from typer.testing import CliRunner

from conftest import ROOT, SHARED
from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.evaluate import Prediction, evaluate, load_dataset
from summarizer.evaluate.matching import assign, normalize_unit
from summarizer.models import Brief

FIXTURES = ROOT / "evals" / "fixtures"
runner = CliRunner()

ARTICLE = (
    "Chilean Foreign Minister Álvaro Pérez met Peruvian Foreign Minister Rosa Quispe in Lima on Friday.\n\n"
    "\u201cTrade grew 8 percent last year and reached US$6.2 billion,\u201d Pérez said.\n\n"
    "Quispe said about 1,500 troops would patrol the border to stop smuggling.\n\n"
    "The two ministers also discussed a new university exchange for 300 students."
)
GOLD = {
    "participants": [
        {"name": "Álvaro Pérez", "aliases": ["Pérez"], "role": "Foreign Minister of Chile", "affiliation": "Chile", "kind": "person"},
        {"name": "Rosa Quispe", "aliases": ["Quispe"], "role": "Foreign Minister of Peru", "affiliation": "Peru", "kind": "person"},
    ],
    "topics": [
        {"label": "trade", "category": "economy_trade", "evidence": ["Trade grew 8 percent last year and reached US$6.2 billion"]},
        {"label": "border security", "category": "security_defense", "evidence": ["about 1,500 troops would patrol the border to stop smuggling"]},
        {"label": "student exchange", "category": "culture_education", "evidence": ["a new university exchange for 300 students"], "optional": True},
    ],
    "figures": [
        {"text": "8 percent", "value": 8, "value_max": None, "unit": "percent", "qualifier": "exact", "measure": "trade growth",
         "period": "last year", "speaker": "Álvaro Pérez", "evidence": "Trade grew 8 percent last year"},
        {"text": "US$6.2 billion", "value": 6200000000, "value_max": None, "unit": "USD", "qualifier": "exact", "measure": "trade",
         "period": "last year", "speaker": "Álvaro Pérez", "evidence": "reached US$6.2 billion"},
        {"text": "about 1,500", "value": 1500, "value_max": None, "unit": "troop", "qualifier": "approximately",
         "measure": "troops to patrol the border", "period": None, "speaker": "Rosa Quispe",
         "evidence": "about 1,500 troops would patrol the border"},
        {"text": "300", "value": 300, "value_max": None, "unit": "student", "qualifier": "exact", "measure": "students in the exchange",
         "period": None, "speaker": None, "evidence": "a new university exchange for 300 students", "optional": True},
    ],
    "security_concerns": [
        {"issue": "smuggling across the border", "region": "Chile-Peru border", "raised_by": "Rosa Quispe",
         "evidence": "about 1,500 troops would patrol the border to stop smuggling"},
    ],
}


@pytest.fixture
def dataset(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "lima.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "lima.gold.json").write_text(json.dumps(GOLD, ensure_ascii=False), encoding="utf-8")
    return folder


def as_prediction(gold: dict) -> Brief:
    data = copy.deepcopy(gold)
    for field in ("participants", "topics", "figures", "security_concerns"):
        data[field] = [{k: v for k, v in item.items() if k != "optional"} for item in data.get(field, [])]
    return Brief.model_validate(data)


def run(folder, brief: Brief) -> dict:
    fixtures = load_dataset(folder)
    report, _ = evaluate(fixtures, predictions={"lima": Prediction("lima", brief)})
    return report


def test_gold_against_itself_scores_one_everywhere(dataset):
    report = run(dataset, as_prediction(GOLD))
    for name, scores in report["fields"].items():
        assert (scores["precision"], scores["recall"], scores["f1"], scores["macro_f1"]) == (1.0, 1.0, 1.0, 1.0), name
    assert all(a["accuracy"] == 1.0 for a in report["attributes"].values())
    assert report["grounding_rate"] == 1.0
    # optional gold items matched by the prediction count for neither side
    assert report["fields"]["figures"]["tp"] == 3 and report["fields"]["topics"]["tp"] == 2


def test_every_project_fixture_and_the_seed_score_one_against_their_own_gold():
    folders = [FIXTURES] + ([SHARED] if (SHARED / "seed-article.gold.json").is_file() else [])
    fixtures = load_dataset(*folders)
    assert len(fixtures) >= 1
    predictions = {
        f.id: Prediction(f.id, as_prediction(f.gold.model_dump(mode="json", exclude_none=False))) for f in fixtures
    }
    report, _ = evaluate(fixtures, predictions=predictions)
    assert {name: s["f1"] for name, s in report["fields"].items()} == {name: 1.0 for name in report["fields"]}
    assert report["grounding_rate"] == 1.0


def test_removing_one_figure_lowers_recall_by_one_in_three(dataset):
    pred = as_prediction(GOLD)
    pred.figures = [f for f in pred.figures if f.text != "about 1,500"]
    figures = run(dataset, pred)["fields"]["figures"]
    assert (figures["tp"], figures["fn"], figures["fp"]) == (2, 1, 0)
    assert figures["recall"] == pytest.approx(2 / 3, abs=1e-4) and figures["precision"] == 1.0


def test_an_invented_figure_lowers_precision(dataset):
    pred = as_prediction(GOLD)
    invented = pred.figures[0].model_copy(update={"text": "8", "value": 99, "evidence": "Trade grew 8 percent"})
    pred.figures.append(invented)
    figures = run(dataset, pred)["fields"]["figures"]
    assert (figures["tp"], figures["fp"], figures["fn"]) == (3, 1, 0)
    assert figures["precision"] == 0.75 and figures["recall"] == 1.0


def test_wrong_speaker_lowers_speaker_accuracy_not_figure_f1(dataset):
    pred = as_prediction(GOLD)
    pred.figures[0].speaker = "Rosa Quispe"
    report = run(dataset, pred)
    assert report["fields"]["figures"]["f1"] == 1.0
    assert report["attributes"]["figures.speaker"] == {"accuracy": pytest.approx(2 / 3, abs=1e-4), "n": 3}


def test_optional_items_change_nothing(dataset):
    with_optional = as_prediction(GOLD)
    without_optional = as_prediction(GOLD)
    without_optional.figures = [f for f in without_optional.figures if f.text != "300"]
    without_optional.topics = [t for t in without_optional.topics if t.category.value != "culture_education"]
    a, b = run(dataset, with_optional), run(dataset, without_optional)
    assert a["fields"] == b["fields"]


def test_units_and_values_are_normalized(dataset):
    pred = as_prediction(GOLD)
    pred.figures[1].unit = "dollars"
    pred.figures[1].value = 6_210_000_000  # within 0.5 %
    pred.figures[2].unit = "troops"
    report = run(dataset, pred)
    assert report["fields"]["figures"]["f1"] == 1.0 and report["attributes"]["figures.unit"]["accuracy"] == 1.0
    assert [normalize_unit(u) for u in ("%", "per cent", "people", "tonnes", "Percentage points", "€", "usd")] == [
        "percent", "percent", "person", "tonne", "percentage_points", "EUR", "USD"]


def test_participants_match_by_alias_surname_titles_and_accents(dataset):
    pred = as_prediction(GOLD)
    pred.participants[0] = pred.participants[0].model_copy(update={"name": "Foreign Minister Alvaro Perez", "aliases": []})
    pred.participants[1] = pred.participants[1].model_copy(update={"name": "Quispe", "aliases": []})
    for figure in pred.figures:
        figure.speaker = {"Álvaro Pérez": "Foreign Minister Alvaro Perez", "Rosa Quispe": "Quispe"}.get(figure.speaker)
    pred.security_concerns[0].raised_by = "Quispe"
    report = run(dataset, pred)
    assert report["fields"]["participants"]["f1"] == 1.0
    assert report["attributes"]["figures.speaker"]["accuracy"] == 1.0


def test_assignment_is_optimal_not_greedy():
    # Greedy would pair pred 0 with gold 0 (score 3) and leave pred 1 unmatched.
    scores = {(0, 0): 3.0, (0, 1): 2.0, (1, 0): 2.0}
    result = assign([0, 1], [0, 1], lambda p, g: scores.get((p, g), 0.0))
    assert result.pairs == [(0, 1), (1, 0)] and result.unmatched_pred == [] and result.unmatched_gold == []


def test_concern_matches_by_issue_wording_when_evidence_differs(dataset):
    pred = as_prediction(GOLD)
    pred.security_concerns[0].evidence = "Quispe said about 1,500 troops would patrol"
    pred.security_concerns[0].issue = "smuggling across the border"
    assert run(dataset, pred)["fields"]["security_concerns"]["f1"] == 1.0


def test_a_fixture_with_bad_evidence_is_refused_with_its_name(dataset):
    gold = copy.deepcopy(GOLD)
    gold["figures"][0]["evidence"] = "Trade grew 9 percent last year"
    (dataset / "lima.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(InputError, match=r"fixture 'lima'.*figures\[0\]\.evidence 'Trade grew 9 percent last year' is not found"):
        load_dataset(dataset)


def test_a_fixture_with_a_bad_enum_or_speaker_is_refused(dataset):
    gold = copy.deepcopy(GOLD)
    gold["topics"][0]["category"] = "sport"
    (dataset / "lima.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(InputError, match=r"fixture 'lima'.*topics\.0\.category"):
        load_dataset(dataset)
    gold = copy.deepcopy(GOLD)
    gold["figures"][0]["speaker"] = "Someone Else"
    (dataset / "lima.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(InputError, match="must name a listed participant"):
        load_dataset(dataset)


def test_cli_scores_predictions_of_any_dataset_as_json(dataset, tmp_path):
    predictions = tmp_path / "preds.jsonl"
    pred = as_prediction(GOLD)
    pred.figures = pred.figures[:1]
    predictions.write_text(json.dumps({"id": "lima", "brief": pred.model_dump(mode="json")}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--dataset", str(dataset), "--predictions", str(predictions),
                                 "--format", "json", "--report-dir", str(tmp_path / "reports")])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["fields"]["figures"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert set(report["fields"]) == {"participants", "figures", "topic_categories", "topics", "security_concerns"}
    assert "grounding_rate" in report and report["articles"][0]["id"] == "lima"
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["report.html", "report.json", "report.md"]


def test_baseline_gate_fails_names_the_metric_and_bless_rewrites(dataset, tmp_path):
    predictions = tmp_path / "preds.jsonl"
    baseline = tmp_path / "baseline.json"
    reports = str(tmp_path / "reports")
    predictions.write_text(json.dumps({"id": "lima", "brief": as_prediction(GOLD).model_dump(mode="json")}) + "\n")
    args = ["eval", "-d", str(dataset), "--predictions", str(predictions), "--baseline", str(baseline),
            "--report-dir", reports, "--format", "none"]
    assert runner.invoke(app, args + ["--bless"]).exit_code == 0
    assert json.loads(baseline.read_text())["metrics"]["fields.figures.f1"] == 1.0
    held = runner.invoke(app, args)  # a gate that holds says so, in one line
    assert held.exit_code == 0
    assert [line for line in held.stderr.splitlines() if "gate passed" in line] == [
        f"summarizer: gate passed against {baseline}: 6 gated metrics held (tolerance 0.02); "
        "closest: fields.participants.f1 1.0000 against 1.0000 (+0.0000)"]

    worse = as_prediction(GOLD)
    worse.figures = worse.figures[:1]
    predictions.write_text(json.dumps({"id": "lima", "brief": worse.model_dump(mode="json")}) + "\n")
    result = runner.invoke(app, args)
    assert result.exit_code == 3
    assert "regression: fields.figures.f1 fell from 1.0000 to 0.5000 (-0.5000)" in result.stderr


def test_missing_prediction_counts_as_an_empty_brief_and_is_reported(dataset):
    report, _ = evaluate(load_dataset(dataset), predictions={})
    assert report["fields"]["figures"]["recall"] == 0.0
    assert report["failed_articles"] == [{"id": "lima", "error": "no prediction for this id", "kind": "missing"}]


def test_repeat_reports_mean_and_spread(dataset):
    from summarizer import Summarizer

    report, _ = evaluate(load_dataset(dataset), summarizer=Summarizer(backend="offline"), repeat=3)
    stats = report["repeat"]["metrics"]["fields.figures.f1"]
    assert report["repeat"]["runs"] == 3 and stats["stdev"] == 0.0 and stats["mean"] == report["fields"]["figures"]["f1"]


def test_html_report_escapes_model_output(dataset, tmp_path):
    from summarizer.evaluate import write_reports

    pred = as_prediction(GOLD)
    pred.participants.append(
        pred.participants[0].model_copy(update={"name": "<script>alert(1)</script>", "aliases": ["![x](http://evil.example/p.png)"]})
    )
    fixtures = load_dataset(dataset)
    report, _ = evaluate(fixtures, predictions={"lima": Prediction("lima", pred)})
    html_path, md_path = write_reports(report, fixtures, tmp_path)[2], tmp_path / "report.md"
    html = html_path.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    # gold and predicted evidence coincide here, so both highlights mark the same text
    assert '<span class="gp">Trade grew 8 percent last year and reached US$6.2 billion</span>' in html
    assert "](http" not in md_path.read_text(encoding="utf-8")


def test_saved_predictions_score_the_same_without_a_backend(dataset, tmp_path):
    saved = tmp_path / "preds.jsonl"
    common = ["eval", "-d", str(dataset), "--format", "json", "--report-dir", str(tmp_path / "r")]
    produced = runner.invoke(app, common + ["--backend", "offline", "--save-predictions", str(saved)])
    assert produced.exit_code == 0, produced.stderr
    lines = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["lima"] and lines[0]["meta"]["backend"] == "offline"
    rescored = runner.invoke(app, common + ["--predictions", str(saved)])
    assert rescored.exit_code == 0, rescored.stderr
    assert json.loads(rescored.stdout)["fields"] == json.loads(produced.stdout)["fields"]


def test_bad_predictions_line_is_refused_with_its_number(dataset, tmp_path):
    saved = tmp_path / "preds.jsonl"
    saved.write_text('{"id": "lima", "brief": {}}\n{"id": "lima"\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", "-d", str(dataset), "--predictions", str(saved), "--format", "none"])
    assert result.exit_code == 2 and f"{saved}:2: not valid JSON" in result.stderr


DEEP = "[" * 100_000 + "]" * 100_000  # deeper than Python's JSON reader can follow


@pytest.mark.parametrize(
    "damage, said",
    [(lambda gold: (gold.unlink(), gold.mkdir()), "gold file lima.gold.json cannot be read (Is a directory)"),
     (lambda gold: gold.write_text(DEEP), "gold file is not valid UTF-8 JSON (nested too deeply to read)")],
    ids=["gold-is-a-directory", "gold-nested-too-deeply"],
)
def test_a_gold_file_that_cannot_be_read_is_one_line_and_exit_2(dataset, tmp_path, damage, said):
    damage(dataset / "lima.gold.json")
    result = runner.invoke(app, ["eval", "-d", str(dataset), "--backend", "offline", "--format", "none",
                                 "--report-dir", str(tmp_path / "reports")])
    assert result.exit_code == 2 and result.stderr.strip().splitlines() == [
        f"summarizer: error: fixture 'lima' ({dataset}): {said}"]


def test_predictions_nested_too_deeply_are_one_line_and_exit_2(dataset, tmp_path):
    predictions = tmp_path / "preds.jsonl"
    predictions.write_text('{"id": "lima", "brief": ' + DEEP + "}\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "-d", str(dataset), "--predictions", str(predictions), "--format", "none",
                                 "--report-dir", str(tmp_path / "reports")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"summarizer: error: {predictions}:1: not valid JSON")


def test_an_eval_where_every_article_failed_exits_1_saying_so_not_0_with_perfect_precision(loopback, tmp_path):
    import loopback as lb
    from test_llm_backend import ARTICLE, REPLY

    data = tmp_path / "data"
    data.mkdir()
    for name in ("one", "two"):
        (data / f"{name}.txt").write_text(f"{ARTICLE}\n\nDispatch {name}.", encoding="utf-8")
        (data / f"{name}.gold.json").write_text(json.dumps({"participants": []}), encoding="utf-8")
    base = ["eval", "--dataset", str(data), "--backend", "openai", "--base-url", loopback.url, "--model", "m",
            "--no-cache", "--format", "none"]
    loopback.default = lb.error(400, message="this server does not support tools")
    failed = runner.invoke(app, [*base, "--report-dir", str(tmp_path / "r1")])
    assert failed.exit_code == 1, failed.stderr
    assert failed.stderr.strip().splitlines()[-1].startswith(
        "summarizer: error: every article failed (2 of 2: 2 refused by the API), so nothing was scored; the first, one: ")
    assert "does not support tools" in failed.stderr and (tmp_path / "r1" / "report.json").exists()
    loopback.default = lb.error(400, message="still refused")
    loopback.enqueue(lb.brief(REPLY))
    one_made = runner.invoke(app, [*base, "--report-dir", str(tmp_path / "r2"), "--allow-failures"])
    assert one_made.exit_code == 0, one_made.stderr  # a run that scored something may be allowed its failures
