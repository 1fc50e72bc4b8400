"""What one brief's requests have seen so far: completions, usage, retries, the grounding check.

One :class:`Call` per article, passed explicitly: to the transport as the function to
call on a retry, and to instructor as the validation context that checks each draft.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from ...grounding import ArticleIndex, GroundingIssue, find_problems
from ...models import BriefDraft, Usage
from ...prompts import reask_grounding
from .failures import no_reply
from .reasoning import set_aside_reasoning
from .structured import refusal_as_content
from .tokens import prompt_cut

log = logging.getLogger(__name__)

# What is fed back to the model on a re-ask is capped, so a re-ask prompt stays small.
MAX_REPORTED_PROBLEMS = 8
MAX_EXCERPT_CHARS = 80


@dataclass
class Call:
    """The state of one brief's requests (see the module docstring)."""

    index: ArticleIndex
    max_attempts: int
    max_tokens: int | None = None  # the output budget of the latest request
    completions: int = 0
    transport_retries: int = 0
    usage: Usage = field(default_factory=Usage)
    lenient_issues: list[GroundingIssue] = field(default_factory=list)
    refusal: str | None = None  # the latest reply's refusal, if the model refused
    shape: Callable[[dict[str, Any]], dict[str, Any]] = lambda kwargs: kwargs  # the server's dialect
    reasoning_chars: int = 0  # a reasoning model's thinking, set aside from every reply
    prompt_estimate: float = 0.0  # the first request's input tokens, as tokens.py counts them
    warnings: list[str] = field(default_factory=list)  # for meta.warnings

    def note(self, warning: str) -> None:
        """Keep ``warning`` for the brief's ``meta.warnings`` (once, however many replies meet it)."""
        if warning not in self.warnings:
            self.warnings.append(warning)

    def retried(self) -> None:
        """The transport is about to send a request again."""
        self.transport_retries += 1

    def count(self, response: Any) -> None:
        """A completion arrived: count it and its usage; a refusal becomes its text first.

        A reasoning model's thinking is taken off the reply here, before instructor parses
        it (see :mod:`.reasoning`), and only its size is kept.
        A 200 reply with no completion in it (an ``error`` object, no ``choices``) is a
        :class:`~summarizer.errors.TransportError` that says what the server said.
        """
        if (missing := no_reply(response)) is not None:
            raise missing
        self.refusal = refusal_as_content(response)
        self.reasoning_chars += set_aside_reasoning(response)
        self.completions += 1
        usage = Usage.of(getattr(response, "usage", None))
        self.usage = self.usage + usage
        if self.completions == 1:
            self._check_prompt_read(usage.prompt_tokens)

    def _check_prompt_read(self, read: int) -> None:
        """A server that read far less of the prompt than was sent cut it: one warning and one log line.

        Only the first completion is compared: it answers the request that was estimated
        (re-asks add the failed reply and its errors), and a cut there repeats on every re-ask.
        """
        if (cut := prompt_cut(read, self.prompt_estimate)) is not None:
            log.warning("%s", cut)
            self.warnings.append(cut)

    def check(self, draft: BriefDraft) -> None:
        """Ungrounded evidence is an error the model is asked to fix, until the last attempt.

        On the last attempt the problems are kept (``lenient_issues``) and the draft passes:
        grounding then flags or drops those items, so one bad item never loses the brief.
        """
        problems = find_problems(draft, self.index)
        if not problems:
            return
        if self.completions >= self.max_attempts:
            self.lenient_issues = problems
            return
        shown = problems[:MAX_REPORTED_PROBLEMS]
        lines = [f"{p.path} {p.excerpt[:MAX_EXCERPT_CHARS]!r}: {p.problem}" for p in shown]
        if len(problems) > len(shown):
            lines.append(f"and {len(problems) - len(shown)} more")
        raise ValueError(reask_grounding(lines))
