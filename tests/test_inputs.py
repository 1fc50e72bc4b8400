"""Bad input, one table: through ``summarizer brief``, ``read_article``/``decode_article`` and a batch.

Each row is refused (exit 2, one line naming the file and the reason) or accepted (exit 0,
strict UTF-8 JSON on stdout, every span slicing the kept text to its evidence). The batch
gets the same bytes in one folder: one error line per refused file, a brief for the
others, and the job goes on.
"""

from __future__ import annotations

import codecs

import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import summarizer
from conftest import spans_of
from summarizer.cli import app
from summarizer.errors import InputError
from summarizer.inputs import ArticleText, article_text, decode_article, parse_article, read_article

runner = CliRunner()

# Written for these tests; the events and officials are fictional.
ARTICLE = (
    "LISBON, May 6 \u2014 Portuguese Foreign Minister Ana Duarte said on Monday that exports to Brazil "
    "rose 12 percent last year.\n\n"
    "\u201cWe are ready to do more,\u201d Duarte said after talks with her Brazilian counterpart "
    "Rafael Moreira in Lisbon.\n\n"
    "Moreira said trade between the two countries reached US$2.1 billion and warned that cyberattacks "
    "on port systems were a growing threat to shipping.\n"
)
LATIN1_ARTICLE = "S\u00e3o Paulo, Bel\u00e9m e Bras\u00edlia: a ministra disse que as exporta\u00e7\u00f5es subiram 12 por cento."
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
    b"\x5c\x72\xa8\x66\x00\x00\x00\x04sBIT\x08\x08\x08\x08|\x08d\x88" + bytes(range(256))
)
BOM = b"\xef\xbb\xbf"
INVISIBLE = "\u200b\u200f\u202e"

# Special contents: not bytes but a kind of path.
DIRECTORY, MISSING, DANGLING, UNREADABLE = "<directory>", "<missing>", "<dangling symlink>", "<chmod 000>"


@dataclass(frozen=True)
class Row:
    """One bad input: its bytes (or a special path), and either a refusal or the text kept."""

    name: str
    content: bytes | str
    refused: str | None = None  # the reason in the one-line error
    kept: str | None = None  # the text the brief's spans index
    warning: str | None = None  # what stderr warns about, for a repaired input


def _with_bad_byte(byte: bytes) -> tuple[bytes, str, int]:
    data = ARTICLE.encode().replace(b"Monday", b"Mon" + byte + b"day")
    return data, ARTICLE.replace("Monday", "Mon\ufffdday"), data.index(b"Mon") + 3


BAD_BYTE, BAD_BYTE_TEXT, BAD_BYTE_AT = _with_bad_byte(b"\xff")
NUL_BYTE, NUL_BYTE_TEXT, NUL_BYTE_AT = _with_bad_byte(b"\x00")
WITH_INVISIBLE = ARTICLE.replace("Monday", "\u200fMonday\u202e").replace("Lisbon.", f"Lisbon.{INVISIBLE}")

ROWS = [
    Row("empty", b"", refused="the article is empty"),
    Row("whitespace-only", b" \n\t\r\n  \n", refused="the article is empty"),
    Row("invisible-only", f" {INVISIBLE}\n{INVISIBLE}".encode(), refused="the article has no letters or digits"),
    Row("directory", DIRECTORY, refused="is a directory"),
    Row("missing", MISSING, refused="no such file"),
    Row("dangling-symlink", DANGLING, refused="is a symbolic link to a missing file"),
    Row("chmod-000", UNREADABLE, refused="cannot be read (Permission denied)"),
    Row("png", PNG, refused="looks like binary data (55 NUL or control bytes, first at byte 6)"),
    Row("nuls-throughout", ARTICLE.encode("utf-16-le"), refused="looks like binary data"),
    Row("utf-16", ARTICLE.encode("utf-16"), refused="UTF-16 text; convert it to UTF-8, e.g. iconv -f utf-16"),
    Row("utf-16-be", codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), refused="UTF-16 text; convert it to UTF-8"),
    Row("utf-32", ARTICLE.encode("utf-32"), refused="UTF-32 text; convert it to UTF-8, e.g. iconv -f utf-32"),
    Row("utf-32-be", codecs.BOM_UTF32_BE + ARTICLE.encode("utf-32-be"), refused="UTF-32 text; convert it to UTF-8"),
    Row("latin-1", LATIN1_ARTICLE.encode("latin-1"), refused="not valid UTF-8 (invalid bytes at byte 1, 14)"),
    Row("one-bad-byte", BAD_BYTE, kept=BAD_BYTE_TEXT,
        warning=f"1 invalid UTF-8 byte sequence(s) at byte {BAD_BYTE_AT} replaced by U+FFFD"),
    Row("stray-nul", NUL_BYTE, kept=NUL_BYTE_TEXT,
        warning=f"1 NUL or control byte(s) at byte {NUL_BYTE_AT} replaced by U+FFFD"),
    Row("byte-order-mark", BOM + ARTICLE.encode(), kept=ARTICLE),
    Row("crlf", ARTICLE.replace("\n", "\r\n").encode(), kept=ARTICLE),
    Row("bom-and-crlf", BOM + ARTICLE.replace("\n", "\r\n").encode(), kept=ARTICLE),
    Row("lone-cr", ARTICLE.replace("\n", "\r").encode(), kept=ARTICLE),
    Row("zero-width-and-rtl", WITH_INVISIBLE.encode(), kept=WITH_INVISIBLE),
]
BYTE_ROWS = [row for row in ROWS if isinstance(row.content, bytes)]


def _permissions_enforced(path: Path) -> bool:
    try:
        path.open("rb").close()
    except PermissionError:
        return True
    return False


def make_input(folder: Path, row: Row) -> Path:
    """The file (or special path) of ``row`` in ``folder``."""
    path = folder / f"{row.name}.txt"
    if row.content == DIRECTORY:
        path.mkdir()
    elif row.content == DANGLING:
        path.symlink_to(folder / "no-such-target.txt")
    elif row.content == UNREADABLE:
        path.write_text(ARTICLE, encoding="utf-8")
        path.chmod(0)
        if not _permissions_enforced(path):
            # root reads chmod 000 files; the dangling-symlink row covers an unreadable file then.
            path.chmod(0o644)
            pytest.skip("file permissions are not enforced for this user (root); see the dangling-symlink row")
    elif row.content != MISSING:
        assert isinstance(row.content, bytes)
        path.write_bytes(row.content)
    return path


def assert_spans_slice(brief: dict, kept: str) -> None:
    """Every span is exact and slices ``kept`` to its evidence; some span reaches the last paragraph."""
    pairs = spans_of(brief)
    assert pairs, "the offline backend found no excerpt at all"
    for evidence, span in pairs:
        assert span["status"] == "exact", (evidence, span)
        assert kept[span["start"]:span["end"]] == evidence
    # A span after every newline and the byte-order mark: an offset counted in the raw bytes would miss.
    assert max(span["end"] for _evidence, span in pairs) > kept.rindex("\n\n")


def strict_json(data: bytes) -> dict:
    return json.loads(data.decode("utf-8", errors="strict"))


# -- summarizer brief FILE ---------------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_cli_brief_refuses_or_accepts_each_bad_input(tmp_path: Path, row: Row) -> None:
    path = make_input(tmp_path, row)
    result = runner.invoke(app, ["brief", "--backend", "offline", "--with-meta", str(path)])
    if row.refused:
        assert result.exit_code == 2, result.stdout
        assert result.stdout == ""
        assert result.stderr.startswith(f"summarizer: error: {path}: ")
        assert result.stderr.count("\n") == 1 and row.refused in result.stderr
        return
    assert result.exit_code == 0, result.stderr
    payload = strict_json(result.stdout_bytes)
    assert set(payload) == {"brief", "meta"}  # plain text: no extracted text travels
    assert_spans_slice(payload["brief"], row.kept)
    assert payload["meta"]["grounding"]["not_found"] == 0


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_read_article_gives_the_same_verdict_and_text(tmp_path: Path, row: Row, caplog: pytest.LogCaptureFixture) -> None:
    path = make_input(tmp_path, row)
    caplog.set_level(logging.WARNING, logger="summarizer.inputs")
    if row.refused:
        with pytest.raises(InputError) as excinfo:
            read_article(path)
        assert excinfo.value.message.startswith(f"{path}: ") and row.refused in excinfo.value.message
        assert excinfo.value.exit_code == 2 and "\n" not in excinfo.value.message
        return
    assert read_article(path) == row.kept
    assert article_text(path) == ArticleText(row.kept, "text", (f"{path}: {row.warning}",) if row.warning else ())
    warnings = [record.getMessage() for record in caplog.records if record.name == "summarizer.inputs"]
    assert warnings == ([f"{path}: {row.warning}"] * 2 if row.warning else [])


@pytest.mark.parametrize("row", BYTE_ROWS, ids=[row.name for row in BYTE_ROWS])
def test_decode_article_gives_the_same_verdict_and_text(row: Row) -> None:
    assert isinstance(row.content, bytes)
    if row.refused:
        with pytest.raises(InputError, match="^given: ") as excinfo:
            decode_article(row.content, "given")
        assert row.refused in excinfo.value.message
    else:
        assert decode_article(row.content, "given") == row.kept


def test_the_warning_reaches_stderr_and_the_brief_keeps_the_replacement(tmp_path: Path) -> None:
    path = tmp_path / "one-bad-byte.txt"
    path.write_bytes(BAD_BYTE)
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "brief", "--backend", "offline", str(path)],
        capture_output=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    stderr = result.stderr.decode("utf-8", errors="strict")
    assert f"{path}: 1 invalid UTF-8 byte sequence(s) at byte {BAD_BYTE_AT} replaced by U+FFFD" in stderr
    brief = strict_json(result.stdout)
    assert_spans_slice(brief, BAD_BYTE_TEXT)
    assert any("Mon\ufffdday" in evidence for evidence, _span in spans_of(brief))


def test_a_few_stray_bytes_per_thousand_are_repaired_more_are_refused() -> None:
    text = ("Foreign Minister Ana Duarte said exports rose 12 percent last year. " * 30).encode()  # 2,010 bytes
    two_bad = text[:500] + b"\xff" + text[501:1500] + b"\x00" + text[1501:]
    assert decode_article(two_bad, "two").count("\ufffd") == 2
    three_bad = two_bad[:100] + b"\x80" + two_bad[101:]
    with pytest.raises(InputError, match=r"^three: not valid UTF-8 \(invalid bytes at byte 100, 500\)"):
        decode_article(three_bad, "three")
    # A multi-byte sequence cut short counts once and is replaced by one character: no offset shifts.
    cut = "caf\u00e9 ".encode()[:-2] + b" Foreign Minister Ana Duarte said exports rose."
    assert decode_article(cut, "cut") == "caf\ufffd Foreign Minister Ana Duarte said exports rose."


def test_standard_input_follows_the_same_rules(tmp_path: Path) -> None:
    empty = runner.invoke(app, ["brief", "--backend", "offline", "-"], input=b"   \n")
    assert empty.exit_code == 2 and empty.stderr == (
        "summarizer: error: standard input: the article is empty; give a file with the article's text\n"
    )
    binary = runner.invoke(app, ["brief", "--backend", "offline", "-"], input=PNG)
    assert binary.exit_code == 2 and "standard input: looks like binary data" in binary.stderr
    crlf = runner.invoke(app, ["brief", "--backend", "offline", "-"], input=BOM + ARTICLE.replace("\n", "\r\n").encode())
    assert crlf.exit_code == 0, crlf.stderr
    assert_spans_slice(strict_json(crlf.stdout_bytes), ARTICLE)


def test_the_python_api_refuses_wordless_text_before_any_work() -> None:
    for text in ("", " \n", INVISIBLE * 3, "-- * --"):
        with pytest.raises(summarizer.InputError, match="article"):
            summarizer.summarize(text, backend="offline")
    assert parse_article(BAD_BYTE, "x").warnings == (f"x: 1 invalid UTF-8 byte sequence(s) at byte {BAD_BYTE_AT} replaced by U+FFFD",)


# -- the same files in a batch -------------------------------------------------------------


def test_a_batch_gives_one_error_line_per_bad_file_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    expected: dict[str, Row] = {}
    for row in ROWS:
        # In a batch a directory is a folder to walk and a missing path is refused up front,
        # not an article: those two rows are the CLI's.
        if row.content in (DIRECTORY, MISSING):
            continue
        if row.content == UNREADABLE:
            probe = folder / "probe"
            probe.write_text("x", encoding="utf-8")
            probe.chmod(0)
            enforced = _permissions_enforced(probe)
            probe.chmod(0o644)
            probe.unlink()
            if not enforced:
                continue
        make_input(folder, row)
        expected[row.name] = row
    # A FIFO would block a reader forever: it is refused without being opened.
    os.mkfifo(folder / "fifo.txt")
    out = tmp_path / "out.jsonl"
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", str(folder), "-o", str(out), "--backend", "offline",
         "--no-cache", "--workers", "1"],
        capture_output=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    records = {record["id"]: record for record in map(strict_json, out.read_bytes().splitlines())}
    assert sorted(records) == sorted([*expected, "fifo"])
    assert records["fifo"]["error"]["message"] == f"{folder / 'fifo.txt'}: is not a regular file"
    stderr = result.stderr.decode("utf-8", errors="strict")
    for name, row in expected.items():
        record = records[name]
        if row.refused:
            assert record["error"]["type"] == "InputError"
            assert record["error"]["message"].startswith(f"{folder / name}.txt: ")
            assert row.refused in record["error"]["message"], record
        else:
            assert "error" not in record and "metadata" not in record
            assert_spans_slice(record["brief"], row.kept)
        if row.warning:
            assert f"{folder / name}.txt: {row.warning}" in stderr


def test_size_limits_are_checked_before_decoding() -> None:
    article = ARTICLE.encode() * (5_000_000 // len(ARTICLE.encode()) + 1)
    with pytest.raises(InputError, match=r"^big\.txt: larger than 5,000,000 bytes; this is not one article$"):
        parse_article(article, "big.txt", html=False)
    # A saved page is mostly markup: it may be larger, up to 20 MB.
    page = b"<!doctype html><html><body>" + b"<div>" * 4_000_001
    with pytest.raises(InputError, match=r"^big\.html: larger than 20,000,000 bytes; this is not one web page$"):
        parse_article(page, "big.html")


@pytest.mark.wallclock
def test_a_named_pipe_with_no_writer_is_one_line_not_a_hang(tmp_path, monkeypatch):
    from summarizer import inputs

    fifo = tmp_path / "article.fifo"
    os.mkfifo(fifo)
    monkeypatch.setattr(inputs, "FIFO_WAIT_S", 0.3)
    started = time.monotonic()
    result = runner.invoke(app, ["brief", "--backend", "offline", str(fifo)])
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"summarizer: error: {fifo}: is a named pipe and nothing was written to it within 0.3 s; "
        "write the article to it, or give the article's file"]


def test_a_named_pipe_whose_writer_comes_late_is_read_to_its_end(tmp_path):
    import threading

    fifo = tmp_path / "article.fifo"
    os.mkfifo(fifo)

    def write_later():
        time.sleep(0.3)
        with open(fifo, "wb") as pipe:
            pipe.write(ARTICLE.encode()[:100])
            pipe.flush()
            time.sleep(0.2)  # the rest after a pause: read on to the writer's end
            pipe.write(ARTICLE.encode()[100:])

    writer = threading.Thread(target=write_later)
    writer.start()
    result = runner.invoke(app, ["brief", "--backend", "offline", "--with-meta", str(fifo)])
    writer.join()
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["meta"]["backend"] == "offline"
