"""The brief's models enforce the contract: enums, numbers, references to participants."""

from __future__ import annotations

import copy

import pytest
from pydantic import ValidationError

from summarizer.models import Brief, BriefDraft, Category, Qualifier


def without_optional_markers(gold):
    """A gold brief as a plain brief: the dataset's ``optional`` marker removed."""
    data = copy.deepcopy(gold)
    for field in ("participants", "topics", "figures", "security_concerns"):
        for item in data.get(field, []):
            item.pop("optional", None)
    return data


def minimal(**changes):
    data = {
        "headline": "Ministers meet",
        "summary": "Two ministers met.",
        "participants": [
            {"name": "Ana Duarte", "aliases": ["Duarte"], "role": "Foreign Minister of Portugal",
             "affiliation": "Portugal", "kind": "person"}
        ],
        "topics": [{"label": "talks", "category": "diplomacy", "evidence": ["ministers met"]}],
        "figures": [
            {"text": "12 percent", "value": 12, "value_max": None, "unit": "percent", "qualifier": "exact",
             "measure": "growth", "period": None, "speaker": "Ana Duarte", "evidence": "grew 12 percent"}
        ],
        "security_concerns": [
            {"issue": "border", "region": None, "raised_by": None, "evidence": "the border"}
        ],
    }
    data.update(changes)
    return data


def test_seed_gold_is_a_valid_brief_without_spans(seed_gold):
    brief = Brief.model_validate(without_optional_markers(seed_gold))
    assert brief.schema_version == "1.0"
    assert [p.name for p in brief.participants] == ["Emomali Rahmon", "Vladimir Putin", "the Kremlin"]
    assert len(brief.figures) == 7 and brief.figures[3].value == 1_800_000_000
    assert all(f.evidence_span is None for f in brief.figures)


def test_draft_accepts_a_complete_reply():
    draft = BriefDraft.model_validate(minimal())
    assert draft.figures[0].qualifier is Qualifier.exact
    assert draft.topics[0].category is Category.diplomacy


@pytest.mark.parametrize(
    "path, bad, message",
    [
        (("topics", 0, "category"), "politics", "diplomacy"),
        (("figures", 0, "qualifier"), "roughly", "approximately"),
        (("figures", 0, "value"), "12", "number"),
        (("figures", 0, "value"), True, "number"),
        (("figures", 0, "value_max"), 5, "below value"),
        (("figures", 0, "speaker"), "Someone Else", "must name a listed participant"),
        (("security_concerns", 0, "raised_by"), "Mr X", "must name a listed participant"),
        (("participants", 0, "kind"), "country", "person"),
        (("headline",), " ".join(["word"] * 26), "at most 25"),
    ],
)
def test_strict_validation_refuses(path, bad, message):
    data = minimal()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    with pytest.raises(ValidationError, match=message):
        BriefDraft.model_validate(data)


def test_unknown_keys_are_refused_not_dropped():
    data = minimal()
    data["figures"][0]["confidence"] = 0.9
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        BriefDraft.model_validate(data)


def test_speaker_given_as_alias_resolves_to_the_participant_name():
    data = minimal()
    data["figures"][0]["speaker"] = "duarte"
    assert BriefDraft.model_validate(data).figures[0].speaker == "Ana Duarte"


def test_draft_requires_every_field_but_the_public_brief_has_defaults():
    data = minimal()
    del data["figures"][0]["period"]
    with pytest.raises(ValidationError, match="period"):
        BriefDraft.model_validate(data)
    assert Brief.model_validate(data).figures[0].period is None
    assert Brief().participants == [] and Brief().headline is None


def test_computed_fields_are_not_in_the_request_schema():
    request = str(BriefDraft.model_json_schema())
    for computed in ("evidence_span", "schema_version", "evidence_spans"):
        assert computed not in request
    public = str(Brief.model_json_schema())
    assert "evidence_span" in public and "schema_version" in public
