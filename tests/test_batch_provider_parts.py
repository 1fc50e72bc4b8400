"""Provider batch export and import through the CLI with the online path's length rules:
long articles sent in parts and merged back, the hard cap, and the checks every brief gets
(text addressed to a model, participants dropped as not in the article)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.batch.provider_files import Planner, request_tokens
from summarizer.cli import app
from summarizer.config import resolve_settings
from summarizer.models import Brief
from test_batch_provider import COUNTRIES, article_text, completion, expired_line, good_reply, output_line, read_jsonl
from test_injection import HOSTILE
from test_injection import reply as hostile_reply

runner = CliRunner()
ROOM_TOKENS = 600  # of article per request: parts of 2,336 characters


def cli(*args: str):
    result = runner.invoke(app, ["batch", *map(str, args)])
    assert "Traceback" not in result.stderr
    return result


def budget() -> int:
    """A --max-input-tokens that leaves ROOM_TOKENS for the article beside the prompt and schema."""
    return math.ceil(request_tokens("", resolve_settings(environ={}))) + ROOM_TOKENS


def country(index: int) -> str:
    """One country's story as a single paragraph (a part never cuts it)."""
    return article_text(index).replace("\n\n", " ")


def long_article() -> str:
    filler = "Officials of the {0} delegation spent the afternoon on procedural questions, item {1} of the agenda."
    paragraphs = []
    for index in range(len(COUNTRIES)):
        paragraphs += [filler.format(COUNTRIES[index][1], n) for n in range(4)]
        paragraphs.append(country(index))
    return "\n\n".join(paragraphs)


def export(tmp_path: Path, articles: dict[str, str], *extra: str) -> tuple[Path, list[Path], list[dict]]:
    inputs = tmp_path / "articles.jsonl"
    inputs.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in articles.items()), encoding="utf-8")
    result = cli("export", inputs, "--prefix", tmp_path / "requests", *extra)
    assert result.exit_code == 0, result.stderr
    files = [Path(line) for line in result.stdout.splitlines()]
    return inputs, files, [line for f in files for line in read_jsonl(f)]


def reply_for(part_text: str) -> dict:
    """A good reply for the first country story that a part holds whole."""
    index = next(i for i in range(len(COUNTRIES)) if country(i) in part_text)
    return good_reply(index)


def test_a_long_article_is_exported_in_parts_and_imported_as_one_merged_brief(tmp_path):
    text = long_article()
    inputs, files, requests = export(tmp_path, {"long": text, "short": article_text(0)},
                                     "--max-input-tokens", budget())
    parts = Planner(resolve_settings(environ={}, max_input_tokens=budget())).parts(text)
    assert len(parts) == 3
    assert [r["custom_id"] for r in requests] == ["long#part-1-of-3", "long#part-2-of-3", "long#part-3-of-3", "short"]
    for request, part in zip(requests, parts):  # each part's request holds that part, and the same prompt
        assert part.text in request["body"]["messages"][-1]["content"]
        assert request["body"]["messages"][0] == requests[-1]["body"]["messages"][0]

    output = tmp_path / "provider-output.jsonl"
    lines = [output_line(r["custom_id"], completion(json.dumps(reply_for(part.text)), usage=(900, 100, 0)))
             for r, part in zip(requests, parts)]
    lines.insert(1, output_line("short", completion(json.dumps(good_reply(0)))))  # any order
    output.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "briefs.jsonl"
    result = cli("import", output, "--inputs", inputs, "--requests", *files, "-o", out,
                 "--max-input-tokens", budget())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stderr)["ok"] == 2

    records = {r["id"]: r for r in read_jsonl(out)}
    assert sorted(records) == ["long", "short"]  # one line per article, not per part
    brief, meta = Brief.model_validate(records["long"]["brief"]), records["long"]["meta"]
    assert meta["parts"] == 3 and meta["backend"] == "openai-batch"
    assert meta["usage"]["prompt_tokens"] == 3 * 900 and meta["attempts"] == 3
    speakers = {figure.speaker for figure in brief.figures}
    assert len(speakers) == 3 and speakers <= {names[2] for names in COUNTRIES}
    for figure in brief.figures:  # spans index the whole article, not the part
        span = figure.evidence_span
        assert span.status.value == "exact" and text[span.start:span.end] == figure.evidence
    assert records["short"]["meta"].get("parts") in (None, 1)


def test_an_article_fails_with_the_reason_of_its_first_failed_part(tmp_path):
    text = long_article()
    inputs, files, requests = export(tmp_path, {"long": text}, "--max-input-tokens", budget())
    parts = Planner(resolve_settings(environ={}, max_input_tokens=budget())).parts(text)
    output = tmp_path / "provider-output.jsonl"
    output.write_text(json.dumps(output_line(requests[0]["custom_id"], completion(json.dumps(reply_for(parts[0].text)))))
                      + "\n" + json.dumps(expired_line(requests[1]["custom_id"])) + "\n", encoding="utf-8")
    out = tmp_path / "briefs.jsonl"
    result = cli("import", output, "--inputs", inputs, "-o", out, "--max-input-tokens", budget())
    assert result.exit_code == 0, result.stderr
    [record] = read_jsonl(out)
    error = record["error"]
    assert record["id"] == "long" and error["type"] == "TransportError" and error["reason"] == "expired"
    assert error["message"].startswith(f"part 2 of 3 (characters {parts[1].start}-{parts[1].end}): batch_expired")
    assert error["message"].endswith("; 1 more of its parts failed too")  # part 3 has no result: lost
    assert (tmp_path / "briefs.jsonl.resubmit.txt").read_text() == "long\n"  # re-export the article

    # imported under another budget, the parts no longer match the article: said, not guessed
    other = tmp_path / "other.jsonl"
    assert cli("import", output, "--inputs", inputs, "-o", other).exit_code == 0
    [record] = read_jsonl(other)
    assert record["error"]["reason"] == "split_mismatch" and "max_input_tokens" in record["error"]["message"]


def test_an_article_over_the_cap_is_skipped_with_its_reason_and_a_part_like_id_is_refused(tmp_path):
    inputs, files, requests = export(tmp_path, {"huge": "word " * 400, "fine": article_text(1)},
                                     "--max-article-chars", "1000")
    assert [r["custom_id"] for r in requests] == ["fine"]
    skipped = cli("export", inputs, "--prefix", tmp_path / "again", "--max-article-chars", "1000")
    assert "summarizer: skipped huge: the article is 2,000 characters, beyond the cap of 1,000" in skipped.stderr

    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x#part-1-of-2", "text": article_text(0)}) + "\n", encoding="utf-8")
    refused = cli("export", bad, "--prefix", tmp_path / "bad")
    assert refused.exit_code == 2 and "ends like the custom_id of an article's part" in refused.stderr
    assert not list(tmp_path.glob("bad-*.jsonl"))


@pytest.mark.parametrize("policy", ["drop", "flag"])
def test_an_injected_article_imports_flagged_and_a_dropped_participant_clears_its_references(tmp_path, policy):
    inputs, files, requests = export(tmp_path, {"hostile": HOSTILE})
    [request] = requests
    assert "Ignore previous instructions" in request["body"]["messages"][-1]["content"]
    # the model obeyed the article: it invented a participant who 'said' a figure and 'raised' the concern
    obeyed = copy.deepcopy(hostile_reply(elvis=True))
    output = tmp_path / "provider-output.jsonl"
    output.write_text(json.dumps(output_line("hostile", completion(json.dumps(obeyed)))) + "\n", encoding="utf-8")
    out = tmp_path / "briefs.jsonl"
    result = cli("import", output, "--inputs", inputs, "--requests", *files, "-o", out, "--ungrounded", policy)
    assert result.exit_code == 0, result.stderr
    [record] = read_jsonl(out)
    meta, brief = record["meta"], record["brief"]
    assert meta["possible_injection"] is True
    names = [p["name"] for p in brief["participants"]]
    if policy == "flag":
        assert "Elvis Presley" in names and meta["grounding"]["participants_not_found"] == 1
        assert meta["grounding"]["cleared_references"] == []
        return
    assert names == ["Paula Irarrazaval", "Diego Quispe"]
    assert [f["speaker"] for f in brief["figures"]] == ["Paula Irarrazaval", None]
    assert brief["security_concerns"][0]["raised_by"] is None
    assert [c["path"] for c in meta["grounding"]["cleared_references"]] == ["figures[1].speaker",
                                                                           "security_concerns[0].raised_by"]
    assert ("figures[1].speaker 'Elvis Presley' set to null: that participant was dropped as not in the article"
            in meta["warnings"])
    assert any(w.startswith("security_concerns[0].raised_by 'Elvis Presley' set to null") for w in meta["warnings"])
    Brief.model_validate(brief)
