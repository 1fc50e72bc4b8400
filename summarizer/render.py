"""Briefs rendered for people and programs: JSON and Markdown. Depends only on the models."""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .models import Brief


class OutputFormat(str, Enum):
    json = "json"
    md = "md"


def brief_payload(brief: Brief, with_meta: bool = False) -> dict:
    """The brief as JSON-ready data; with ``with_meta``, ``{"brief": ..., "meta": ...}``."""
    data = brief.model_dump(mode="json")
    if not with_meta:
        return data
    meta = brief.meta.model_dump(mode="json") if brief.meta else None
    return {"brief": data, "meta": meta}


def to_json(brief: Brief, with_meta: bool = False) -> str:
    return json.dumps(brief_payload(brief, with_meta), indent=2, ensure_ascii=False) + "\n"


_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: str) -> str:
    """``text`` without C0 and C1 control characters (newline and tab kept).

    What any text meant for a terminal or Markdown goes through: an escape sequence from a
    model's reply, a server's error or an article (a window title, a hyperlink, a clear
    screen) is shown as its printable rest, never obeyed. JSON output keeps text exact.
    """
    return _CONTROLS.sub("", text)


def md_escape(text: str) -> str:
    """Untrusted text made inert in Markdown, on one line, with no control characters."""
    text = plain(text)
    # Model output is untrusted: no live links, images, HTML or table breaks in a report.
    # Escaped brackets are enough to keep "![x](https://...)" and "[a](javascript:...)" text;
    # parentheses are left alone, as a person reading the Markdown raw sees them.
    for char in "\\`*_[]<>|!":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _value(figure) -> str:  # type: ignore[no-untyped-def]
    value = f"{figure.value:,}"
    if figure.value_max is not None:
        value += f"–{figure.value_max:,}"
    return f"{value} {figure.unit}"


def to_markdown(brief: Brief, with_meta: bool = False) -> str:
    """A readable brief: headline, summary, then a section per field."""
    e = md_escape
    lines = [f"# {e(brief.headline or 'Brief')}", ""]
    if brief.summary:
        lines += [e(brief.summary), ""]
    lines += ["## Participants", ""]
    for p in brief.participants:
        details = ", ".join(e(x) for x in (p.role, p.affiliation) if x)
        aliases = f" (also: {', '.join(e(a) for a in p.aliases)})" if p.aliases else ""
        lines.append(f"- **{e(p.name)}**{' — ' + details if details else ''}{aliases}")
    lines += ["", "## Topics", ""]
    for t in brief.topics:
        lines.append(f"- **{e(t.label)}** ({t.category.value}): “{e(t.evidence[0])}”")
    lines += ["", "## Figures", "", "| figure | value | qualifier | measure | period | speaker |", "|---|---|---|---|---|---|"]
    for f in brief.figures:
        lines.append(
            f"| {e(f.text)} | {e(_value(f))} | {f.qualifier.value} | {e(f.measure)} | "
            f"{e(f.period or '')} | {e(f.speaker) if f.speaker else '(the article)'} |"
        )
    lines += ["", "## Security concerns", ""]
    for c in brief.security_concerns:
        who = f" — raised by {e(c.raised_by)}" if c.raised_by else ""
        where = f" [{e(c.region)}]" if c.region else ""
        lines.append(f"- {e(c.issue)}{where}{who}")
    if not brief.security_concerns:
        lines.append("- none named")
    if with_meta and brief.meta:
        m = brief.meta
        lines += [
            "",
            "---",
            f"backend {m.backend}, model {m.model or '-'}, prompt {m.prompt_version}, "
            f"{m.usage.total_tokens} tokens, {m.attempts} attempt(s), {m.latency_s:.3f}s, "
            f"grounding {m.grounding.exact + m.grounding.fuzzy}/{m.grounding.excerpts}",
        ]
    return "\n".join(lines) + "\n"


RENDERERS: dict[OutputFormat, Callable[[Brief, bool], str]] = {
    OutputFormat.json: to_json,
    OutputFormat.md: to_markdown,
}
