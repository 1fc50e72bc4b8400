"""The Markdown summary of an eval report, fit for a CI job summary."""

from __future__ import annotations

from typing import Any

from ..render import md_escape
from .failures import said_failed
from .scoring import FIELDS

WORST = 5


def _cell(text: Any) -> str:
    return md_escape("" if text is None else str(text))


def shown_score(value: float | None) -> str:
    """A score to three places; ``n/a`` for an undefined one (precision of nothing predicted)."""
    return "n/a" if value is None else f"{value:.3f}"


def _fields_table(fields: dict[str, Any]) -> list[str]:
    lines = ["| field | precision | recall | F1 | macro F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|---|"]
    for name in FIELDS:
        f = fields[name]
        lines.append(
            f"| {name} | {shown_score(f['precision'])} | {shown_score(f['recall'])} | **{shown_score(f['f1'])}** "
            f"| {shown_score(f['macro_f1'])} "
            f"| {f['tp']} | {f['fp']} | {f['fn']} |"
        )
    return lines


def _label(item: dict[str, Any] | None) -> str:
    if not item:
        return ""
    for key in ("name", "text", "label", "issue"):
        if key in item:
            value = item[key]
            if key == "text":
                value = f"{value} ({item.get('value')} {item.get('unit')})"
            return _cell(value)
    return ""


def render_markdown(report: dict[str, Any]) -> str:
    """Tables per field and split, attribute accuracy, regressions, and the worst articles."""
    lines = [f"# Eval: {report.get('backend', '?')} on {report['n_articles']} articles", ""]
    lines += _fields_table(report["fields"])
    rate = report["grounding_rate"]
    lines += ["", "Grounding rate: **n/a** (nothing predicted)." if rate is None
              else f"Grounding rate: **{rate:.3f}** of predicted excerpts found in the article."]
    for name, stats in report.get("repeat", {}).get("metrics", {}).items():
        if stats["mean"] is None:
            lines.append(f"- {name}: n/a in all {report['repeat']['runs']} runs (nothing predicted)")
        else:
            lines.append(f"- {name}: mean {stats['mean']:.4f}, stdev {stats['stdev']:.4f} over {report['repeat']['runs']} runs")
    for split, summary in report.get("splits", {}).items():
        lines += ["", f"## Split `{split}` ({summary['n_articles']} articles)", ""]
        lines += _fields_table(summary["fields"])
    lines += ["", "## Attribute accuracy on matched pairs", "", "| attribute | accuracy | pairs |", "|---|---|---|"]
    for name, a in report["attributes"].items():
        accuracy = "-" if a["accuracy"] is None else f"{a['accuracy']:.3f}"
        lines.append(f"| {name} | {accuracy} | {a['n']} |")
    overlap = report.get("text_overlap", {})
    if any(v.get("n") for v in overlap.values()):
        lines += ["", "Lexical overlap with gold (ROUGE-1 F, reported, not gated): " + ", ".join(
            f"{k} {v['rouge1_f']:.3f} (n={v['n']})" for k, v in overlap.items() if v.get("n"))]
    if report.get("regressions"):
        lines += ["", "## Regressions against the baseline", ""]
        lines += [f"- {_cell(r)}" for r in report["regressions"]]
    if report.get("failed_articles"):
        lines += ["", "## Failed articles", "", f"{_cell(said_failed(report))}; each scores as an empty brief.", ""]
        lines += [f"- {_cell(a['id'])}: {_cell(a['error'])}" for a in report["failed_articles"]]
    worst = sorted(report["articles"], key=lambda a: sum(a["fields"][f]["f1"] for f in FIELDS))[:WORST]
    lines += ["", f"## Worst {len(worst)} articles", ""]
    for article in worst:
        mean = sum(article["fields"][f]["f1"] for f in FIELDS) / len(FIELDS)
        lines.append(f"### {_cell(article['id'])} (mean F1 {mean:.3f})")
        for field, items in article["items"].items():
            missed = [_label(i["gold"]) for i in items if i["verdict"] == "missed"]
            invented = [_label(i["pred"]) for i in items if i["verdict"] == "invented"]
            if missed:
                lines.append(f"- {field} missed: " + "; ".join(missed))
            if invented:
                lines.append(f"- {field} invented: " + "; ".join(invented))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
