"""The committed JSON Schema matches the models, and the wheel ships prompts and schema."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from summarizer.schema import SCHEMA_FILE, brief_json_schema, render_schema, validate_brief_data
from summarizer.errors import InputError

from conftest import ROOT


def test_committed_schema_is_up_to_date():
    committed = (ROOT / "schemas" / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == render_schema(brief_json_schema()), (
        "schemas/brief.v1.schema.json is stale: run `make schema` and commit it"
    )


def test_gold_brief_validates_against_the_schema(seed_gold):
    from test_models import without_optional_markers

    brief = validate_brief_data(without_optional_markers(seed_gold), "seed gold")
    assert len(brief.figures) == 7


def test_schema_refuses_a_bad_enum_with_the_place_named():
    with pytest.raises(InputError, match=r"topics/0/category"):
        validate_brief_data({"topics": [{"label": "x", "category": "sport", "evidence": ["x"]}]}, "b.json")


def test_wheel_ships_prompts_and_schema_and_they_work_from_it(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(iter(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path / "site")
    assert {"summarizer/prompts/system.j2", "summarizer/prompts/user.j2", f"summarizer/schemas/{SCHEMA_FILE}"} <= names
    probe = (
        "import summarizer, summarizer.prompts as p, summarizer.schema as s;"
        "assert 'site' in summarizer.__file__;"
        "print(p.prompt_version(), s.schema_path().parent.parent.name, len(p.messages('x')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "site")},
    )
    assert result.returncode == 0, result.stderr
    version, home, count = result.stdout.split()
    from summarizer.prompts import prompt_version

    assert (version, home, count) == (prompt_version(), "summarizer", "2")
