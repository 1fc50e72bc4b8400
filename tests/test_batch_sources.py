"""Batch inputs: ids and order, JSONL records, standard input, errors named up front, streaming."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.batch import sources
from summarizer.batch.sources import Article, read, scan
from summarizer.errors import InputError


@pytest.fixture(autouse=True)
def fresh_stdin_buffer() -> Iterator[None]:
    sources.discard_stdin_buffer()
    yield
    sources.discard_stdin_buffer()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def jsonl(*records: object) -> str:
    return "".join((json.dumps(record) if not isinstance(record, str) else record) + "\n" for record in records)


class FakeStdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def problems_of(excinfo: pytest.ExceptionInfo[InputError]) -> str:
    return str(excinfo.value)


# -- files and folders -------------------------------------------------------------------


def test_folder_ids_are_relative_paths_without_extension_in_sorted_order(workdir: Path) -> None:
    write(workdir / "docs/world/b-2.md", "Second world story.")
    write(workdir / "docs/world/a-123.txt", "First world story.")
    write(workdir / "docs/a.html", "<p>Markup: the article is extracted.</p>")
    write(workdir / "docs/z.htm", "<p>Old extension.</p>")
    write(workdir / "docs/notes.pdf", "skipped: not a supported type")
    write(workdir / "docs/README", "skipped: no extension")
    write(workdir / "docs/.hidden.txt", "skipped: hidden")
    write(workdir / "docs/.git/HEAD.txt", "skipped: hidden folder")
    write(workdir / "docs/UPPER.TXT", "Upper-case extension.")

    ids = scan(["docs"])

    assert ids == ["UPPER", "a", "world/a-123", "world/b-2", "z"]
    articles = list(read(["docs"]))
    assert [article.id for article in articles] == ids
    by_id = {article.id: article for article in articles}
    assert by_id["world/a-123"] == Article("world/a-123", "First world story.", {}, "docs/world/a-123.txt")
    assert by_id["a"].text == "Markup: the article is extracted."
    assert all(article.error is None for article in articles)


def test_a_file_given_directly_is_named_by_its_file_name_and_sources_keep_their_order(workdir: Path) -> None:
    write(workdir / "one/zeta.txt", "Zeta.")
    write(workdir / "two/alpha.md", "Alpha.")
    write(workdir / "feed.jsonl", jsonl({"id": "j1", "text": "From JSONL."}))

    ids = scan(["one/zeta.txt", "feed.jsonl", "two/alpha.md"])

    assert ids == ["zeta", "j1", "alpha"]
    assert [(a.id, a.source) for a in read(["one/zeta.txt", "feed.jsonl", "two/alpha.md"])] == [
        ("zeta", "one/zeta.txt"),
        ("j1", "feed.jsonl:1"),
        ("alpha", "two/alpha.md"),
    ]


def test_file_text_is_decoded_like_a_single_article(workdir: Path) -> None:
    write(workdir / "a.txt", b"\xef\xbb\xbfLine one\r\nLine two\r\n")
    [article] = read(["a.txt"])
    assert article.text == "Line one\nLine two\n"


def test_unusable_text_files_are_listed_by_scan_and_yielded_with_an_error(workdir: Path) -> None:
    write(workdir / "in/empty.txt", "  \n\n")
    write(workdir / "in/binary.txt", b"a\x00b\x00c\x00d")
    write(workdir / "in/latin1.txt", "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e".encode("latin-1"))
    write(workdir / "in/good.txt", "Fine.")

    assert scan(["in"]) == ["binary", "empty", "good", "latin1"]

    articles = {article.id: article for article in read(["in"])}
    assert articles["good"].error is None
    assert "empty" in (articles["empty"].error or "")
    assert "binary" in (articles["binary"].error or "")
    assert "UTF-8" in (articles["latin1"].error or "")
    for name in ("empty", "binary", "latin1"):
        assert articles[name].text == ""
        assert articles[name].source == f"in/{name}.txt"


# -- JSONL -------------------------------------------------------------------------------


def test_jsonl_ids_metadata_and_blank_lines(workdir: Path) -> None:
    write(
        workdir / "in.jsonl",
        "\ufeff"
        + jsonl(
            {"id": "x-1", "text": "First.\r\nLine.", "url": "https://example.org/1", "tags": ["a", "b"]},
            "",
            "   ",
            {"id": 42, "text": "Integer id.", "published": None},
        ),
    )

    assert scan(["in.jsonl"]) == ["x-1", "42"]
    first, second = read(["in.jsonl"])
    assert first == Article(
        "x-1", "First.\nLine.", {"url": "https://example.org/1", "tags": ["a", "b"]}, "in.jsonl:1"
    )
    assert second == Article("42", "Integer id.", {"published": None}, "in.jsonl:4")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"text": "No id."}, 'in.jsonl:2: needs an "id"'),
        ({"id": True, "text": "Boolean id."}, 'in.jsonl:2: needs an "id"'),
        ({"id": 1.5, "text": "Float id."}, 'in.jsonl:2: needs an "id"'),
        ({"id": "", "text": "Empty id."}, 'in.jsonl:2: needs an "id"'),
        ({"id": "b"}, "in.jsonl:2: needs a string \"text\" (id 'b'); no \"text\""),
        ({"id": "b", "text": 7}, "in.jsonl:2: needs a string \"text\" (id 'b'); \"text\" is 7"),
        ('{"id": "b", "text": "unterminated', "in.jsonl:2: invalid JSON"),
        ('["id", "text"]', "in.jsonl:2: expected a JSON object"),
        ('{"id": "b", "text": "x", "score": NaN}', "in.jsonl:2: invalid JSON (NaN is not JSON): write null or a string"),
        ('{"id": "b", "text": "x", "w": -Infinity}', "in.jsonl:2: invalid JSON (-Infinity is not JSON)"),
        ('{"id": "b", "text": "x", "m": ' + "[" * 100_000 + "]" * 100_000 + "}",
         "in.jsonl:2: its JSON is nested too deeply to read"),
    ],
)
def test_bad_jsonl_lines_are_named_with_their_line(workdir: Path, line: object, expected: str) -> None:
    write(workdir / "in.jsonl", jsonl({"id": "a", "text": "Fine."}, line, {"id": "c", "text": "Fine too."}))
    with pytest.raises(InputError) as excinfo:
        scan(["in.jsonl"])
    assert expected in problems_of(excinfo)


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_a_blank_text_is_that_articles_error_line_not_a_refused_batch(workdir: Path, blank: str) -> None:
    from typer.testing import CliRunner

    from summarizer.cli import app

    write(workdir / "in.jsonl", jsonl({"id": "a", "text": "Ministers of Chile and Peru met in Lima on Monday."},
                                      {"id": "b", "text": blank}))
    result = CliRunner().invoke(app, ["batch", "in.jsonl", "-o", "out.jsonl", "--backend", "offline", "--no-cache"])
    assert result.exit_code == 0, result.stderr
    records = {r["id"]: r for r in map(json.loads, (workdir / "out.jsonl").read_text().splitlines())}
    assert set(records) == {"a", "b"} and "brief" in records["a"]
    assert records["b"]["error"] == {"type": "InputError", "message": "in.jsonl:2: the article is empty", "attempts": 0}


def test_many_problems_are_reported_at_once_and_capped(workdir: Path) -> None:
    write(workdir / "in.jsonl", jsonl(*[{"id": f"n{i}"} for i in range(30)], "{not json"))
    with pytest.raises(InputError) as excinfo:
        scan(["in.jsonl"])
    message = problems_of(excinfo)
    assert "31 problems" in message
    assert "in.jsonl:1:" in message and "in.jsonl:20:" in message
    assert "in.jsonl:21:" not in message
    assert "and 11 more" in message


# -- duplicates, missing and empty -------------------------------------------------------


def test_duplicate_ids_are_refused_naming_every_place(workdir: Path) -> None:
    write(workdir / "in.jsonl", jsonl({"id": "x", "text": "1"}, {"id": "y", "text": "2"}, {"id": "x", "text": "3"}))
    write(workdir / "more.jsonl", jsonl({"id": "x", "text": "4"}, {"id": 7, "text": "5"}))
    write(workdir / "docs/7.txt", "A file whose id clashes with the integer id 7.")

    with pytest.raises(InputError) as excinfo:
        scan(["in.jsonl", "more.jsonl", "docs"])

    message = problems_of(excinfo)
    assert "duplicate id 'x' at in.jsonl:1, in.jsonl:3 and more.jsonl:1" in message
    assert "duplicate id '7' at more.jsonl:2 and docs/7.txt" in message
    assert "'y'" not in message


def test_the_same_source_twice_is_a_duplicate(workdir: Path) -> None:
    write(workdir / "a.txt", "A.")
    with pytest.raises(InputError, match="duplicate id 'a' at a.txt and a.txt"):
        scan(["a.txt", "a.txt"])


def test_missing_paths_and_unsupported_files_are_named(workdir: Path) -> None:
    write(workdir / "a.txt", "A.")
    write(workdir / "data.csv", "id,text")
    with pytest.raises(InputError) as excinfo:
        scan(["a.txt", "nope.jsonl", "data.csv"])
    message = problems_of(excinfo)
    assert "nope.jsonl: no such file or folder" in message
    assert "data.csv: unsupported file type '.csv'" in message


def test_unreadable_files_are_named(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(workdir / "secret.jsonl", jsonl({"id": "a", "text": "A."}))
    write(workdir / "docs/locked.txt", "B.")
    write(workdir / "docs/open.txt", "C.")
    # Simulated, so the test also holds when run as root (where chmod 0 is not enforced).
    real_open = Path.open

    def deny_open(self: Path, *args: object, **kwargs: object) -> object:
        if self.name in ("secret.jsonl", "locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny_open)
    with pytest.raises(InputError) as excinfo:
        scan(["secret.jsonl", "docs"])
    message = problems_of(excinfo)
    assert "secret.jsonl: cannot be read (Permission denied)" in message
    # An unreadable article file is that article's error line, not a reason to refuse the job.
    assert "locked.txt" not in message and "open.txt" not in message
    by_id = {article.id: article for article in read(["docs"])}
    assert by_id["locked"].error == "docs/locked.txt: cannot be read (Permission denied); check its permissions"
    assert by_id["open"].text == "C." and by_id["open"].error is None


@pytest.mark.parametrize("given", [["empty-folder"], ["blank.jsonl"], []])
def test_an_empty_input_set_is_refused(workdir: Path, given: list[str]) -> None:
    (workdir / "empty-folder").mkdir()
    write(workdir / "empty-folder/ignored.pdf", "not an article")
    write(workdir / "blank.jsonl", "\n\n")
    with pytest.raises(InputError, match="no articles to summarize"):
        scan(given)


# -- standard input ----------------------------------------------------------------------


def test_stdin_jsonl_is_buffered_by_scan_and_read_from_the_buffer(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = "\n  " + jsonl({"id": "s1", "text": "One.", "lang": "en"}, {"id": 2, "text": "Two."})
    monkeypatch.setattr("sys.stdin", FakeStdin(data.encode()))

    assert scan(["-"]) == ["s1", "2"]
    monkeypatch.setattr("sys.stdin", FakeStdin(b""))  # stdin is gone after the first pass
    assert list(read(["-"])) == [
        Article("s1", "One.", {"lang": "en"}, "stdin:2"),
        Article("2", "Two.", {}, "stdin:3"),
    ]
    buffer = sources.stdin_buffer()
    assert buffer.exists()
    sources.discard_stdin_buffer()
    assert not buffer.exists()


def test_stdin_text_is_one_article(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", FakeStdin(b"Plain text {not json}\r\nsecond line"))
    assert scan(["-"]) == ["stdin"]
    monkeypatch.setattr("sys.stdin", FakeStdin(b""))
    assert list(read(["-"])) == [Article("stdin", "Plain text {not json}\nsecond line", {}, "stdin")]


def test_stdin_with_invalid_jsonl_is_named(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", FakeStdin(b'{"id": "a", "text": "A."}\n{"id": "b"\n'))
    with pytest.raises(InputError, match="stdin:2: invalid JSON"):
        scan(["-"])


# -- streaming ---------------------------------------------------------------------------


def test_read_is_lazy(workdir: Path) -> None:
    """The first article comes before the rest of the file is looked at: a bad last line
    (which read refuses when it reaches it) does not stop it."""
    lines = [json.dumps({"id": f"a{i}", "text": f"Article {i}."}) for i in range(10_000)]
    write(workdir / "big.jsonl", "\n".join(lines) + "\n{broken\n")

    articles = read(["big.jsonl"])
    assert next(articles).id == "a0"
    assert next(articles).id == "a1"
    with pytest.raises(InputError, match="big.jsonl:10001: invalid JSON"):
        for _article in articles:
            pass


def test_memory_stays_flat_on_a_large_input(workdir: Path) -> None:
    """20 MB of JSONL (10,000 articles of 2 kB) is scanned and read with a small peak."""
    body = "word " * 400
    with (workdir / "big.jsonl").open("w", encoding="utf-8") as out:
        for i in range(10_000):
            out.write(json.dumps({"id": f"a{i}", "text": body + str(i), "n": i}) + "\n")
    size = (workdir / "big.jsonl").stat().st_size
    assert size > 20_000_000

    tracemalloc.start()
    try:
        ids = scan(["big.jsonl"])
        _, scan_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        count = 0
        total = 0
        for article in read(["big.jsonl"]):
            count += 1
            total += len(article.text)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert len(ids) == count == 10_000
    assert total > 19_000_000
    assert scan_peak < 2_000_000, scan_peak  # ids only, not texts
    assert read_peak < 1_000_000, read_peak  # one article at a time
