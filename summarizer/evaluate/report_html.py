"""A self-contained HTML report: per article, the text with gold and predicted evidence
highlighted, and gold versus predicted items side by side with their verdicts.

Everything from an article or a model is escaped; the page loads nothing from outside.
"""

from __future__ import annotations

from html import escape
from typing import Any, Sequence

from .dataset import Fixture
from .matching import Locator
from .report_md import shown_score
from .scoring import FIELDS

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;vertical-align:top}
th{background:#f3f3f3}.num{text-align:right}
.article{white-space:pre-wrap;border:1px solid #ddd;padding:1em;background:#fcfcfc}
.g{background:#ffe9a8}.p{background:#bfe3ff}.gp{background:#b8f0b0}
.matched{color:#17611b}.missed{color:#a01010}.invented{color:#8a4b00}.optional{color:#777}
.legend span{padding:1px 6px;margin-right:8px}details{margin:.6em 0}summary{cursor:pointer;font-weight:600}
"""


def _evidence(item: dict[str, Any] | None) -> list[str]:
    if not item:
        return []
    value = item.get("evidence")
    return value if isinstance(value, list) else [value] if value else []


def _highlighted(fixture: Fixture, article: dict[str, Any]) -> str:
    """The article text, each character marked as gold evidence, predicted evidence, or both."""
    locator = Locator(fixture.index)
    marks = [0] * len(fixture.text)
    for items in article["items"].values():
        for item in items:
            for side, bit in (("gold", 1), ("pred", 2)):
                for excerpt in _evidence(item[side]):
                    span = locator.span(excerpt)
                    if span:
                        for k in range(*span):
                            marks[k] |= bit
    out, start = [], 0
    classes = {0: "", 1: "g", 2: "p", 3: "gp"}
    for k in range(1, len(marks) + 1):
        if k == len(marks) or marks[k] != marks[start]:
            chunk = escape(fixture.text[start:k])
            css = classes[marks[start]]
            out.append(f'<span class="{css}">{chunk}</span>' if css else chunk)
            start = k
    return "".join(out)


def _describe(item: dict[str, Any] | None) -> str:
    if not item:
        return ""
    shown = {k: v for k, v in item.items() if k not in ("evidence", "optional") and v not in (None, [], "")}
    parts = [f"<b>{escape(str(k))}</b>: {escape(str(v))}" for k, v in shown.items()]
    evidence = "".join(f"<br><i>“{escape(e)}”</i>" for e in _evidence(item))
    return "<br>".join(parts) + evidence


def _scores_table(fields: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{name}</td><td class=num>{shown_score(f['precision'])}</td>"
        f"<td class=num>{shown_score(f['recall'])}</td>"
        f"<td class=num><b>{shown_score(f['f1'])}</b></td><td class=num>{f['tp']}</td><td class=num>{f['fp']}</td>"
        f"<td class=num>{f['fn']}</td></tr>"
        for name, f in ((n, fields[n]) for n in FIELDS)
    )
    return f"<table><tr><th>field</th><th>P</th><th>R</th><th>F1</th><th>TP</th><th>FP</th><th>FN</th></tr>{rows}</table>"


def render_html(report: dict[str, Any], fixtures: Sequence[Fixture]) -> str:
    """The whole report as one HTML page."""
    by_id = {f.id: f for f in fixtures}
    sections = []
    worst_first = sorted(report["articles"], key=lambda a: sum(a["fields"][f]["f1"] for f in FIELDS))
    for rank, article in enumerate(worst_first):
        fixture = by_id.get(article["id"])
        if fixture is None:
            continue
        tables = []
        for field, items in article["items"].items():
            rows = "".join(
                f'<tr><td class="{escape(i["verdict"])}">{escape(i["verdict"])}</td>'
                f"<td>{_describe(i['gold'])}</td><td>{_describe(i['pred'])}</td></tr>"
                for i in items
            )
            tables.append(
                f"<h4>{escape(field)}</h4><table><tr><th>verdict</th><th>gold</th><th>predicted</th></tr>{rows}</table>"
            )
        error = f"<p class=missed>error: {escape(article['error'])}</p>" if article.get("error") else ""
        mean = sum(article["fields"][f]["f1"] for f in FIELDS) / len(FIELDS)
        sections.append(
            f"<details{' open' if rank == 0 else ''}><summary>{escape(article['id'])} — mean F1 {mean:.3f}"
            f"{' — split ' + escape(article['split']) if article.get('split') else ''}</summary>{error}"
            f"{_scores_table(article['fields'])}<div class=article>{_highlighted(fixture, article)}</div>"
            f"{''.join(tables)}</details>"
        )
    splits = "".join(
        f"<h3>Split {escape(name)} ({s['n_articles']} articles)</h3>{_scores_table(s['fields'])}"
        for name, s in report.get("splits", {}).items()
    )
    title = f"Eval: {escape(str(report.get('backend', '?')))} on {report['n_articles']} articles"
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        f"<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1>{_scores_table(report['fields'])}"
        f"<p>Grounding rate {shown_score(report['grounding_rate'])}"
        f"{' (nothing predicted)' if report['grounding_rate'] is None else ''}</p>{splits}"
        f"<p class=legend><span class=g>gold evidence</span><span class=p>predicted evidence</span>"
        f"<span class=gp>both</span></p><h2>Articles, worst first</h2>{''.join(sections)}</body></html>\n"
    )
