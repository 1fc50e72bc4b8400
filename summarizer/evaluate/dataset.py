"""Datasets of gold fixtures: folders of ``<id>.txt`` + ``<id>.gold.json`` pairs.

Loading validates every fixture (the contract's fields and enums, speakers naming
participants, every evidence found in its article, a figure's text inside its
evidence) and refuses a bad one with an error naming the fixture and the problem.
A folder may hold ``splits.json`` (``{"dev": [ids], "heldout": [ids]}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, ValidationError

from ..errors import InputError
from ..grounding import ArticleIndex, find_problems
from ..inputs import decode_article
from ..models import Brief, Participant, SecurityConcern, Topic, Figure

GOLD_SUFFIX = ".gold.json"
SPLITS_FILE = "splits.json"


class GoldParticipant(Participant):
    optional: bool = False


class GoldTopic(Topic):
    optional: bool = False


class GoldFigure(Figure):
    optional: bool = False


class GoldConcern(SecurityConcern):
    optional: bool = False


class GoldBrief(Brief):
    """A hand-labeled brief: a brief whose items may be marked optional."""

    participants: list[GoldParticipant] = Field(default_factory=list)  # type: ignore[assignment]
    topics: list[GoldTopic] = Field(default_factory=list)  # type: ignore[assignment]
    figures: list[GoldFigure] = Field(default_factory=list)  # type: ignore[assignment]
    security_concerns: list[GoldConcern] = Field(default_factory=list)  # type: ignore[assignment]


@dataclass(frozen=True)
class Fixture:
    """One labeled article."""

    id: str
    text: str
    gold: GoldBrief
    split: str | None = None
    index: ArticleIndex = field(compare=False, repr=False, default=None)  # type: ignore[assignment]


def _reason(exc: BaseException) -> str:
    return "nested too deeply to read" if isinstance(exc, RecursionError) else str(exc)


def _load_fixture(gold_path: Path, split: str | None) -> Fixture:
    fixture_id = gold_path.name[: -len(GOLD_SUFFIX)]
    where = f"fixture {fixture_id!r} ({gold_path.parent})"
    article_path = gold_path.with_name(fixture_id + ".txt")
    if not article_path.is_file():
        raise InputError(f"{where}: no article {article_path.name} beside its gold file")
    text = decode_article(article_path.read_bytes(), str(article_path))
    try:
        data = json.loads(gold_path.read_text(encoding="utf-8"))
        gold = GoldBrief.model_validate(data)
    except OSError as exc:
        raise InputError(f"{where}: gold file {gold_path.name} cannot be read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{where}: gold file is not valid UTF-8 JSON ({_reason(exc)})") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise InputError(f"{where}: invalid gold brief at {place}: {first['msg']}") from None
    index = ArticleIndex(text)
    problems = find_problems(gold, index)
    if problems:
        p = problems[0]
        raise InputError(f"{where}: {p.path} {p.excerpt[:80]!r} is {p.problem}")
    return Fixture(id=fixture_id, text=text, gold=gold, split=split, index=index)


def _splits(folder: Path) -> dict[str, str]:
    path = folder / SPLITS_FILE
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not valid JSON ({_reason(exc)})") from None
    return {fixture_id: split for split, ids in data.items() for fixture_id in ids}


def load_dataset(*folders: Path | str) -> list[Fixture]:
    """Every fixture of the given folders, validated, in a stable order (by id)."""
    fixtures: dict[str, Fixture] = {}
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise InputError(f"{folder}: not a dataset folder (expected <id>.txt + <id>.gold.json pairs)")
        splits = _splits(folder)
        gold_paths = sorted(folder.glob("*" + GOLD_SUFFIX))
        if not gold_paths:
            raise InputError(f"{folder}: no *{GOLD_SUFFIX} files; not a dataset folder")
        for gold_path in gold_paths:
            fixture = _load_fixture(gold_path, splits.get(gold_path.name[: -len(GOLD_SUFFIX)]))
            if fixture.id in fixtures:
                raise InputError(f"fixture {fixture.id!r} appears in two dataset folders; ids must be unique")
            fixtures[fixture.id] = fixture
        unknown = set(splits) - {f.id for f in fixtures.values()}
        if unknown:
            raise InputError(f"{folder / SPLITS_FILE}: names fixtures that do not exist: {', '.join(sorted(unknown))}")
    return [fixtures[k] for k in sorted(fixtures)]
