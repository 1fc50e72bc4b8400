"""HTML input: a saved news page's article extracted, boilerplate dropped, the text kept with the brief.

The page, ``tests/data/news-page.html``, was written for these tests (a fictional event)
with the boilerplate of a real news site around a 300-word article: a cookie banner,
header and navigation, breadcrumbs, share buttons, a newsletter box, tags, related
articles, a footer, styles, scripts and JSON-LD.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import spans_of
from summarizer.batch import sources
from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.html_text import extract_article, looks_like_html
from summarizer.inputs import article_text, parse_article

runner = CliRunner()
PAGE = Path(__file__).parent / "data" / "news-page.html"

BOILERPLATE = [
    "cookies", "Accept all", "Manage preferences",  # cookie banner
    "Meridian Courier", "Subscribe", "Crosswords", "Opinion", "Sport",  # header and navigation
    "Home", "Share on", "Email this story",  # breadcrumbs, share tools
    "Morning Dispatch", "Sign up", "inbox",  # newsletter box
    "Fisheries\n", "Related articles", "Harbour festival", "Cable car fares", "ferry timetable",  # tags, related
    "All rights reserved", "Privacy policy", "Terms of use", "Advertise",  # footer
    "font-family", "trackPageview", "dataLayer", "schema.org", "addEventListener",  # style, scripts, JSON-LD
]
KEY_SENTENCES = [
    "New Zealand and Chile agree joint patrols against illegal fishing",
    "WELLINGTON, March 3 \u2014 New Zealand Foreign Minister Aroha Whitcombe and her Chilean counterpart "
    "Mat\u00edas Ort\u00fazar agreed on Tuesday to run joint maritime patrols against illegal fishing in the "
    "South Pacific, and to double funding for Antarctic research over the next four years.",
    "\u201cFishing fleets that switch off their transponders are stealing from the poorest communities in our "
    "region,\u201d she said.",
    "He noted that Chilean authorities had boarded 37 foreign fishing vessels last year, up from 21 the year before.",
    "Two-way trade between the two countries reached NZ$1.4 billion last year",
    "Ort\u00fazar is due to travel on to Canberra on Thursday for talks with Australian officials.",
]
NAV_ONLY_PAGE = (
    "<!DOCTYPE html><html><head><title>Page not found</title><script>track()</script></head><body>"
    "<nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav>"
    "<footer>\u00a9 2026 Meridian Courier Media Ltd. All rights reserved.</footer></body></html>"
)


@pytest.fixture(autouse=True)
def fresh_stdin_buffer():
    sources.discard_stdin_buffer()
    yield
    sources.discard_stdin_buffer()


def assert_grounded_in(brief: dict, text: str) -> None:
    """Every excerpt is found exactly, and its span slices ``text`` to it."""
    pairs = spans_of(brief)
    assert len(pairs) >= 5
    for evidence, span in pairs:
        assert span["status"] == "exact" and text[span["start"]:span["end"]] == evidence


def test_the_article_is_extracted_and_the_boilerplate_dropped() -> None:
    article = article_text(PAGE)
    assert article.source_format == "html" and article.warnings == ()
    text = article.text
    for word in BOILERPLATE:
        assert word not in text, word
    assert "<" not in text and ">" not in text
    for sentence in KEY_SENTENCES:
        assert sentence in text, sentence
    # The headline and the eight paragraphs, one blank line apart, as in a .txt article.
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 9 and all(p.strip() == p and "\n" not in p for p in paragraphs)
    assert paragraphs[0] == KEY_SENTENCES[0] and paragraphs[-1] == KEY_SENTENCES[-1]
    assert 280 <= len(text.split()) <= 340
    # Fixed options: the same page gives the same text every time.
    assert extract_article(PAGE.read_text(encoding="utf-8")) == text


def test_cli_brief_of_a_page_keeps_the_extracted_text_with_the_brief() -> None:
    result = runner.invoke(app, ["brief", "--backend", "offline", "--with-meta", str(PAGE)])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout_bytes.decode("utf-8", errors="strict"))
    assert set(payload) == {"brief", "meta", "metadata"}
    metadata = payload["metadata"]
    assert metadata["source_format"] == "html" and metadata["extractor"].startswith("trafilatura 2.")
    assert metadata["text"] == article_text(PAGE).text
    assert_grounded_in(payload["brief"], metadata["text"])
    grounding = payload["meta"]["grounding"]
    assert grounding["not_found"] == 0 and grounding["exact"] == grounding["excerpts"] > 0


def test_offline_brief_of_the_page_finds_its_participants_and_figures() -> None:
    result = runner.invoke(app, ["brief", "--backend", "offline", str(PAGE)])
    assert result.exit_code == 0, result.stderr
    # Without --with-meta the brief stays a bare brief; stderr says where the spans' text is.
    assert "add --with-meta to get that text" in result.stderr
    brief = json.loads(result.stdout)
    people = {p["name"]: p for p in brief["participants"]}
    assert set(people) == {"Aroha Whitcombe", "Mat\u00edas Ort\u00fazar"}
    assert people["Aroha Whitcombe"]["affiliation"] == "New Zealand"
    assert people["Aroha Whitcombe"]["role"] == "Foreign Minister of New Zealand"
    assert people["Mat\u00edas Ort\u00fazar"]["affiliation"] == "Chile"
    figures = {f["text"]: f for f in brief["figures"]}
    assert figures["more than US$600 million"]["value"] == 600_000_000
    assert figures["more than US$600 million"]["unit"] == "USD"
    assert figures["more than US$600 million"]["speaker"] == "Aroha Whitcombe"
    assert figures["37"]["speaker"] == "Mat\u00edas Ort\u00fazar"
    assert figures["NZ$1.4 billion"]["value"] == 1_400_000_000
    assert {t["category"] for t in brief["topics"]} >= {"diplomacy", "economy_trade"}
    assert brief["security_concerns"]
    # Nothing from the boilerplate reached the brief.
    dumped = json.dumps(brief, ensure_ascii=False)
    assert not [word for word in BOILERPLATE if word in dumped]


def test_the_with_meta_output_of_a_page_is_a_valid_brief_file(tmp_path: Path) -> None:
    out = tmp_path / "brief.json"
    made = runner.invoke(app, ["brief", "--backend", "offline", "--with-meta", str(PAGE), "-o", str(out)])
    assert made.exit_code == 0, made.stderr
    checked = runner.invoke(app, ["validate", str(out)])
    assert checked.exit_code == 0 and "valid brief" in checked.stderr


def test_a_page_without_an_article_is_one_line_exit_2(tmp_path: Path) -> None:
    page = tmp_path / "not-found.html"
    page.write_text(NAV_ONLY_PAGE, encoding="utf-8")
    result = runner.invoke(app, ["brief", "--backend", "offline", str(page)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"summarizer: error: {page}: no article text found in this web page (only navigation or "
        "boilerplate); save the article's page, or give its text as a .txt file\n"
    )
    empty = tmp_path / "empty.htm"
    empty.write_text("<!doctype html>\n<html><body></body></html>\n", encoding="utf-8")
    with pytest.raises(InputError, match="no article text found"):
        article_text(empty)


def test_standard_input_is_a_page_when_it_starts_like_one() -> None:
    result = runner.invoke(app, ["brief", "--backend", "offline", "--with-meta", "-"], input=PAGE.read_bytes())
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout_bytes.decode("utf-8", errors="strict"))
    assert payload["metadata"]["text"] == article_text(PAGE).text
    # Text that merely contains markup, or starts with another tag, stays text.
    text = "<b>Note</b>: Foreign Minister Ana Duarte said exports rose 12 percent last year."
    assert parse_article(text.encode(), "stdin").source_format == "text"
    assert parse_article(text.encode(), "stdin").text == text
    assert looks_like_html("  \n<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\">")
    assert looks_like_html("<html lang=en>") and not looks_like_html("<htmlx>")


def test_a_fragment_and_a_page_with_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    fragment = tmp_path / "fragment.html"
    fragment.write_text("<p>Foreign Minister Ana Duarte said exports rose 12 percent.</p>", encoding="utf-8")
    assert article_text(fragment).text == "Foreign Minister Ana Duarte said exports rose 12 percent."
    saved = tmp_path / "saved.htm"
    saved.write_bytes(b"\xef\xbb\xbf" + PAGE.read_bytes().replace(b"\n", b"\r\n"))
    assert article_text(saved).text == article_text(PAGE).text


def test_a_batch_extracts_pages_on_the_same_path_and_keeps_their_text(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_bytes(PAGE.read_bytes())
    (folder / "not-found.htm").write_text(NAV_ONLY_PAGE, encoding="utf-8")
    (folder / "plain.txt").write_text("Foreign Minister Ana Duarte said exports rose 12 percent last year.", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", str(folder), "-o", str(out), "--backend", "offline",
         "--no-cache", "--workers", "1"],
        capture_output=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    records = {r["id"]: r for r in (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())}
    assert sorted(records) == ["not-found", "page", "plain"]
    page = records["page"]
    text = article_text(PAGE).text
    assert page["metadata"]["source_format"] == "html" and page["metadata"]["text"] == text
    assert_grounded_in(page["brief"], text)
    # The same page through `summarizer brief` gives the same brief: one code path.
    single = runner.invoke(app, ["brief", "--backend", "offline", str(PAGE)])
    assert page["brief"] == json.loads(single.stdout)
    assert "no article text found in this web page" in records["not-found"]["error"]["message"]
    assert "metadata" not in records["plain"] and "brief" in records["plain"]
