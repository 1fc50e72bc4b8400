"""The exported JSON Schema of the brief, and validation of brief files against it."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from .errors import InputError
from .models import SCHEMA_VERSION, Brief, BriefDraft
from .resources import resource_dir

SCHEMA_FILE = f"brief.v{SCHEMA_VERSION.split('.')[0]}.schema.json"


def brief_json_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`Brief`, as committed in ``schemas/``."""
    schema = Brief.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"summarizer/{SCHEMA_FILE}",
        **schema,
    }


def request_json_schema() -> dict[str, Any]:
    """The JSON Schema the LLM is asked to fill (no computed fields)."""
    return BriefDraft.model_json_schema()


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def schema_path() -> Path:
    """Where the committed schema lives (in the checkout, or inside an installed wheel)."""
    return resource_dir("schemas") / SCHEMA_FILE


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


GOLD_LISTS = ("participants", "topics", "figures", "security_concerns")


def without_optional_marks(data: Any, source: str) -> Any:
    """A gold brief's data without the ``"optional": true`` marks its list items may carry (contract brief-v1)."""
    if not isinstance(data, dict):
        return data
    cleaned = dict(data)
    for name in GOLD_LISTS:
        items = data.get(name)
        if not isinstance(items, list):
            continue
        kept = []
        for position, item in enumerate(items):
            if isinstance(item, dict) and "optional" in item:
                if not isinstance(item["optional"], bool):
                    raise InputError(f"{source}: not a valid gold brief at {name}/{position}/optional: "
                                     f"{item['optional']!r} is not true or false")
                item = {key: value for key, value in item.items() if key != "optional"}
            kept.append(item)
        cleaned[name] = kept
    return cleaned


def validate_brief_data(data: Any, source: str = "brief", *, gold: bool = False) -> Brief:
    """``data`` checked against the committed JSON Schema and the model's cross-field rules.

    With ``gold``, list items may also carry ``"optional": true``, as a gold fixture's do.
    """
    if gold:
        data = without_optional_marks(data, source)
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise InputError(f"{source}: not a valid brief at {where}: {first.message[:200]}")
    from pydantic import ValidationError

    try:
        return Brief.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{source}: not a valid brief: {exc.errors()[0]['msg']}") from None
