"""A saved web page is decoded as a browser would (issue 10, item 25).

A byte-order mark first, then ``<meta charset>`` or ``<meta http-equiv="Content-Type">``
within the first 1024 bytes, labels mapped as the WHATWG Encoding Standard maps them;
otherwise UTF-8 as before. Plain text files stay UTF-8 only, with the conversion hint.
The articles are fictional, written for these tests.
"""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.inputs import article_text, parse_article

runner = CliRunner()

RUSSIAN = (
    "Министр иностранных дел Болгарии Стефан Радев встретился в Софии со своим казахстанским коллегой "
    "Айдосом Нурлановым. Стороны договорились увеличить торговлю зерном на 12 процентов в следующем году. "
    "«Мы ждём первых поставок уже весной», — сказал Радев журналистам после переговоров."
)
UKRAINIAN = (
    "Міністр енергетики України Олена Гайдамака та її польський колега Кшиштоф Вуйцик підписали у Львові "
    "угоду про спільне зберігання газу. Обсяг сховищ зросте на третину, повідомило міністерство."
)
FRENCH = (
    "La ministre française du Commerce, Hélène Vauquelin, a déclaré à Dakar que l’accord sur le cacao "
    "serait signé « avant l’été ». Selon elle, “les échanges ont progressé de 8 % l’an dernier”, "
    "et le Sénégal prévoit d’ouvrir un bureau à Lyon."
)


def page(body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html>\n<html><head>{head}<title>News</title></head><body>"
            f"<article><h1>Talks</h1><p>{body}</p></article></body></html>")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("label", ["windows-1251", "WINDOWS-1251", "cp1251", "x-cp1251", " windows-1251 "])
def test_a_windows_1251_page_is_read_as_cyrillic(tmp_path, label):
    for text in (RUSSIAN, UKRAINIAN):
        data = page(text, f'<meta charset="{label}">').encode("cp1251")
        assert text in article_text(write(tmp_path, "news.html", data)).text


def test_a_windows_1252_page_keeps_its_smart_quotes_and_accents(tmp_path):
    data = page(FRENCH, "<meta charset=windows-1252>").encode("cp1252")
    assert FRENCH in article_text(write(tmp_path, "news.htm", data)).text
    assert "é" in FRENCH and "“" in FRENCH and "’" in FRENCH


@pytest.mark.parametrize("label", ["latin1", "ISO-8859-1", "ascii", "us-ascii", "iso_8859-1:1987"])
def test_latin_1_and_ascii_labels_mean_windows_1252_as_in_browsers(label):
    # a browser reads 0x93/0x94 in a "latin1" page as curly quotes, not as C1 controls
    data = page(FRENCH, f"<meta charset='{label}'>").encode("cp1252")
    assert FRENCH in parse_article(data, "news.html", html=True).text


@pytest.mark.parametrize("meta", [
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
    "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=\"cp1251\"'>",
    '<meta content="text/html; charset=windows-1251" http-equiv="Content-Type" />',
])
def test_the_http_equiv_form_is_honoured(meta):
    data = page(RUSSIAN, meta).encode("cp1251")
    assert RUSSIAN in parse_article(data, "news.html", html=True).text


def test_a_content_charset_without_http_equiv_is_not_honoured():
    data = page(RUSSIAN, '<meta name="description" content="text/html; charset=windows-1251">').encode("cp1251")
    with pytest.raises(InputError, match="not valid UTF-8"):
        parse_article(data, "news.html", html=True)


def test_utf8_label_and_utf16_labels_are_utf8():
    for label in ("utf8", "UTF-8", "unicode-1-1-utf-8", "utf-16"):  # a page cannot declare UTF-16 in ASCII
        data = page(RUSSIAN, f"<meta charset={label}>").encode("utf-8")
        assert RUSSIAN in parse_article(data, "news.html", html=True).text


def test_the_byte_order_mark_beats_the_meta(tmp_path):
    head = '<meta charset="windows-1251">'
    utf8 = codecs.BOM_UTF8 + page(RUSSIAN, head).encode("utf-8")
    assert RUSSIAN in article_text(write(tmp_path, "a.html", utf8)).text
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        data = bom + page(UKRAINIAN, head).replace("\n", "\r\n").encode(codec)
        assert UKRAINIAN in article_text(write(tmp_path, f"{codec}.html", data)).text


def test_a_meta_beyond_the_first_1024_bytes_is_not_honoured():
    padding = "<!-- " + "x" * 1100 + " -->"
    data = page(RUSSIAN, padding + '<meta charset="windows-1251">').encode("cp1251")
    with pytest.raises(InputError, match="not valid UTF-8"):  # as before: read as UTF-8, refused
        parse_article(data, "news.html", html=True)
    # a meta inside a comment is no declaration either
    data = page(RUSSIAN, '<!-- <meta charset="windows-1251"> -->').encode("cp1251")
    with pytest.raises(InputError, match="not valid UTF-8"):
        parse_article(data, "news.html", html=True)


def test_an_unknown_label_is_one_line_naming_it_exit_2(tmp_path):
    path = write(tmp_path, "news.html", page(RUSSIAN, '<meta charset="cyrillic-1999">').encode("cp1251"))
    result = runner.invoke(app, ["brief", "--backend", "offline", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cyrillic-1999" in lines[0] and "news.html" in lines[0]


def test_bytes_the_declared_codec_does_not_define_are_the_one_line_error(tmp_path):
    data = page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251").replace("Софии".encode("cp1251"), b"\x98")
    path = write(tmp_path, "news.html", data)
    result = runner.invoke(app, ["brief", "--backend", "offline", str(path)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"invalid bytes at byte {data.index(bytes([0x98]))}" in line and "windows-1251" in line


def test_a_plain_text_file_stays_utf8_only_with_the_hint(tmp_path):
    path = write(tmp_path, "news.txt", ('<meta charset="windows-1251">\n' + RUSSIAN).encode("cp1251"))
    result = runner.invoke(app, ["brief", "--backend", "offline", str(path)])
    assert result.exit_code == 2
    assert "not valid UTF-8" in result.stderr and "iconv" in result.stderr


def test_a_batch_folder_reads_its_pages_the_same_way(tmp_path, loopback):
    # An LLM backend: the offline one reads English only, and refuses these articles.
    loopback.default = lb.brief({"headline": "Talks", "summary": "Talks were held.", "participants": [],
                                 "topics": [], "figures": [], "security_concerns": []})
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "sofia.html").write_bytes(page(RUSSIAN, '<meta charset="windows-1251">').encode("cp1251"))
    (folder / "dakar.htm").write_bytes(page(FRENCH, '<meta http-equiv="Content-Type" '
                                                    'content="text/html; charset=iso-8859-1">').encode("cp1252"))
    (folder / "lviv.txt").write_bytes(UKRAINIAN.encode("cp1251"))
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", str(folder), "-o", str(out), "--backend", "openai",
         "--base-url", loopback.url, "--model", "m", "--no-cache", "--workers", "1"],
        capture_output=True, timeout=120, check=False,
    )
    records = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert RUSSIAN in records["sofia"]["metadata"]["text"], result.stderr.decode()
    assert any(RUSSIAN in json.dumps(r.body, ensure_ascii=False) for r in loopback.requests)
    assert FRENCH in records["dakar"]["metadata"]["text"]
    assert "not valid UTF-8" in records["lviv"]["error"]["message"]
