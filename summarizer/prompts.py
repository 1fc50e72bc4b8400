"""Loads and renders the prompt templates in ``prompts/``; computes the prompt version.

Templates are rendered with Jinja2's sandbox and ``StrictUndefined``. The article is
only ever a variable, never template source, so braces in an article are plain text.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from jinja2 import StrictUndefined, TemplateNotFound, UndefinedError
from jinja2 import FileSystemLoader
from jinja2.sandbox import SandboxedEnvironment

from .errors import PromptError
from .injection import article_markers
from .models import BriefDraft
from .resources import resource_dir

SYSTEM_TEMPLATE = "system.j2"
USER_TEMPLATE = "user.j2"
REASK_TEMPLATE = "reask.j2"
TEMPLATES = (SYSTEM_TEMPLATE, USER_TEMPLATE, REASK_TEMPLATE)


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(resource_dir("prompts")),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


def render(name: str, **variables: object) -> str:
    """Render one template of ``prompts/``; a missing template or variable is a :class:`PromptError`."""
    try:
        return _environment().get_template(name).render(**variables).strip()
    except TemplateNotFound as exc:
        raise PromptError(f"prompt template {name!r} not found in {resource_dir('prompts')}") from exc
    except UndefinedError as exc:
        raise PromptError(f"prompt template {name!r} needs a variable that was not given: {exc}") from exc


def neutralize_markers(article: str) -> str:
    """The article with each look-alike of the ``<article>`` markers (:func:`article_markers`) broken.

    Its opening and closing brackets, whatever their form, become ``(`` and ``)``:
    ``＜/article＞`` is sent as ``(/article)``. The break is visible: an invisible character
    would not do, as the detector (like a model) reads through those.
    """
    pieces, done = [], 0
    for start, end in article_markers(article):
        pieces += [article[done:start], "(", article[start + 1 : end - 1], ")"]
        done = end
    return "".join(pieces) + article[done:] if pieces else article


@cache
def system_prompt() -> str:
    """The static system prompt: identical for every article, so providers can cache it."""
    return render(SYSTEM_TEMPLATE)


def messages(article: str) -> list[dict[str, str]]:
    """The chat messages for one article: the static system prompt first, the article last."""
    return [
        {"role": "system", "content": system_prompt()},
        {"role": "user", "content": render(USER_TEMPLATE, article=neutralize_markers(article))},
    ]


def reask_grounding(problems: list[str]) -> str:
    """What a model is told when evidence in its reply is not in the article (``problems``, one line each)."""
    return render(REASK_TEMPLATE, problems=problems)


@cache
def prompt_version() -> str:
    """A short hash of the template texts and the schema the LLM fills; it changes when either does."""
    digest = hashlib.sha256()
    folder = resource_dir("prompts")
    for name in TEMPLATES:
        digest.update(name.encode())
        digest.update((folder / name).read_bytes())
    digest.update(json.dumps(BriefDraft.model_json_schema(), sort_keys=True).encode())
    return digest.hexdigest()[:12]
