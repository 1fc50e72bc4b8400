"""Importing a provider's batch results into the project's batch output, one line per article.

:func:`import_results` reads output and error files in any order (see
:mod:`.provider_files` for the custom_ids of requests and parts). Each line becomes a
brief or a :class:`~.provider_replies.Failure` (:func:`.provider_replies.outcome`); the
output gets one record per article (:mod:`summarizer.batch.records`)::

      {"id": ..., "brief": {...}, "meta": {...}}
      {"id": ..., "error": {"type": ..., "message": ..., "attempts": 1, "reason": ...}}

A whole article's brief is written as soon as it is read. An article sent in parts is
written once its last part's brief arrives: the parts' briefs, each grounded in its own
part, are merged (:func:`summarizer.merge.merge_briefs`, :func:`summarizer.finish.merged`)
into one brief of the whole article; only those part briefs wait in memory. If a part
failed or has no result, the article fails with the first failed part's reason, type and
message, prefixed with the part (``part 2 of 3 (characters 14210-28904): ...``). Failures
are written at the end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..config import Settings
from ..errors import InputError, TransportError
from ..finish import merged
from ..merge import merge_briefs
from ..models import Brief, Usage
from ..split import Part
from . import records
from .provider_files import PART_ID, Output, Planner, provider_lines
from .provider_replies import Failure, outcome, usage_of

__all__ = ["ImportSummary", "import_results"]


@dataclass
class ImportSummary:
    """What an import found, counted by article.

    ``ok``/``failed`` count the lines written; ``resubmit`` lists the article ids worth
    sending again (a request did not run, or no file had a line for it); ``set_aside``
    lists the custom_ids that stand for no input article (wrong ``--inputs`` or files of
    another batch), in the order first met: they are never written; ``by_reason``
    counts failures by reason (``expired``, ``lost``, ``invalid_json``, ``validation``,
    ...); ``usage`` sums the tokens of every completion read, failed ones included.
    """

    ok: int = 0
    failed: int = 0
    resubmit: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    by_reason: dict[str, int] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)

    @property
    def total(self) -> int:
        return self.ok + self.failed


@dataclass
class _Parts:
    """An article sent in parts, as far as its results have come."""

    parts: list[Part]
    briefs: dict[int, Brief] = field(default_factory=dict)  # by part number, from 1
    failures: dict[int, Failure] = field(default_factory=dict)
    done: bool = False

    @property
    def count(self) -> int:
        return len(self.parts)


def _lost(what: str) -> Failure:
    return Failure("lost", TransportError, f"no result for this {what} in any provider output or error file",
                   retryable=True)


def _keep(failures: dict, key: object, new: Failure) -> None:
    """Keep the failure that says more: a request that ran and failed over one that never ran."""
    known = failures.get(key)
    if known is None or (known.retryable and not new.retryable):
        failures[key] = new


class _Import:
    def __init__(self, text_of: Callable[[str], str | None], settings: Settings, output: Output) -> None:
        self.text_of, self.settings, self.output = text_of, settings, output
        self.planner = Planner(settings)
        self.summary = ImportSummary()
        self.succeeded: dict[str, str] = {}  # custom_id -> where its success was read
        self.failures: dict[str, Failure] = {}  # by article id
        self.strangers: dict[str, None] = {}  # custom_ids of no input article, in order met
        self.split: dict[str, _Parts | Failure] = {}  # articles sent in parts, by id
        self.written: set[str] = set()

    def address(self, custom_id: str) -> tuple[str, int, int] | None:
        """(article id, part number, part count) a custom_id stands for; None when no article has it."""
        if self.text_of(custom_id) is not None:
            return custom_id, 1, 1
        match = PART_ID.search(custom_id)
        if match and int(match[1]) <= int(match[2]) and self.text_of(base := custom_id[: match.start()]) is not None:
            return base, int(match[1]), int(match[2])
        return None

    def parts_of(self, article_id: str, count: int) -> _Parts | Failure:
        """The state of an article sent in ``count`` parts; a failure when it does not split that way now."""
        state = self.split.get(article_id)
        if state is None:
            text = self.text_of(article_id) or ""
            try:
                parts = self.planner.parts(text)
            except InputError as exc:
                state = Failure("too_long", InputError, exc.message)
            else:
                state = _Parts(parts) if len(parts) == count else Failure(
                    "split_mismatch", InputError,
                    f"its requests were cut in {count} parts, but these settings cut it in {len(parts)}; "
                    "import with the max_input_tokens and max_article_chars of the export")
            self.split[article_id] = state
        return state

    def line(self, where: str, custom_id: str, record: Mapping) -> None:
        usage = usage_of(record)
        if usage is not None:
            self.summary.usage = self.summary.usage + usage
        address = self.address(custom_id)
        if address is None:
            self.strangers.setdefault(custom_id)
            return
        article_id, number, count = address
        state = self.parts_of(article_id, count) if count > 1 else None
        if isinstance(state, Failure):
            return
        text = state.parts[number - 1].text if state is not None else self.text_of(article_id) or ""
        result = outcome(record, text, self.settings)  # a part's brief is grounded in its part
        if isinstance(result, Brief):
            if custom_id in self.succeeded:
                raise InputError(
                    f"{where}: custom_id {custom_id!r} has a second successful result (the first is at "
                    f"{self.succeeded[custom_id]}); give each provider file once"
                )
            self.succeeded[custom_id] = where
            if state is None:
                self.failures.pop(article_id, None)
                self.write(article_id, result)
                return
            state.failures.pop(number, None)
            state.briefs[number] = result
            if len(state.briefs) == count:
                self.write(article_id, self.merge(article_id, state))
        elif custom_id not in self.succeeded:
            if state is None:
                _keep(self.failures, article_id, result)
            else:
                _keep(state.failures, number, result)

    def merge(self, article_id: str, state: _Parts) -> Brief:
        briefs = [state.briefs[number] for number in range(1, state.count + 1)]
        brief, report = merge_briefs(self.text_of(article_id) or "", state.parts, briefs)
        state.briefs.clear()  # nothing of this article stays in memory
        state.done = True
        return merged(brief, [b.meta for b in briefs if b.meta is not None], report, 0.0)

    def write(self, article_id: str, brief: Brief) -> None:
        if article_id in self.written:
            raise InputError(f"article {article_id!r} has two successful results (whole and in parts); "
                             "give each provider file once")
        self.written.add(article_id)
        assert brief.meta is not None
        self.output.write(records.brief_record(article_id, brief.model_dump(mode="json"), brief.meta.model_dump(mode="json")))
        self.summary.ok += 1

    def expect(self, custom_id: str) -> None:
        """An exported request: with no line in any file, its article is lost."""
        address = self.address(custom_id)
        if address is None:
            self.strangers.setdefault(custom_id)
        elif address[2] == 1:
            if custom_id not in self.succeeded:
                _keep(self.failures, address[0], _lost("id"))
        else:
            self.parts_of(address[0], address[2])  # its missing parts are lost (see failed_parts)

    def expect_article(self, article_id: str, text: str) -> None:
        """An input article: what export would have sent for it, expected back."""
        if article_id in self.written or article_id in self.failures or article_id in self.split:
            return
        if (problem := self.planner.unsendable(text)) is not None:
            self.failures[article_id] = Failure("not_sent", InputError, f"not exported: {problem}")
            return
        parts = self.planner.parts(text)
        if len(parts) == 1:
            self.failures[article_id] = _lost("id")
        else:
            self.split[article_id] = _Parts(parts)

    def failed_parts(self, state: _Parts) -> Failure:
        """The failure of an article whose parts did not all succeed: its first failed part's."""
        for number in range(1, state.count + 1):
            if number not in state.briefs and number not in state.failures:
                state.failures[number] = _lost("part")
        numbers = sorted(state.failures)
        first, part = state.failures[numbers[0]], state.parts[numbers[0] - 1]
        more = f"; {len(numbers) - 1} more of its parts failed too" if len(numbers) > 1 else ""
        return Failure(
            first.reason, first.kind,
            f"part {numbers[0]} of {state.count} (characters {part.start}-{part.end}): {first.message}{more}",
            retryable=all(f.retryable for f in state.failures.values()), status_code=first.status_code,
        )

    def finish(self) -> None:
        for article_id, state in self.split.items():
            if isinstance(state, Failure):
                self.failures.setdefault(article_id, state)
            elif not state.done:
                self.failures.setdefault(article_id, self.failed_parts(state))
        reasons: Counter[str] = Counter()
        for article_id, failure in self.failures.items():
            if article_id in self.written:
                continue
            self.output.write(failure.record(article_id))
            self.summary.failed += 1
            reasons[failure.reason] += 1
            if failure.retryable:
                self.summary.resubmit.append(article_id)
        self.summary.by_reason = dict(reasons)
        self.summary.set_aside = list(self.strangers)


def _lookup(texts: Mapping[str, str] | Callable[[str], str | None]) -> Callable[[str], str | None]:
    if isinstance(texts, Mapping):
        return texts.get
    if callable(texts):

        def call(custom_id: str) -> str | None:
            try:
                return texts(custom_id)
            except KeyError:
                return None

        return call
    raise TypeError("texts must be a mapping of id to article text, or a function of the id")


def import_results(
    files: Sequence[Path],
    texts: Mapping[str, str] | Callable[[str], str | None],
    settings: Settings,
    out: Path | str | IO[str],
    *,
    expected: Iterable[str] | None = None,
) -> ImportSummary:
    """Turn provider output and error files into the project's batch output; return the summary.

    ``texts`` gives each article's text by id (a mapping, or a function returning ``None``
    for an unknown id). ``expected`` are the custom_ids that were exported
    (:func:`.provider_files.read_request_ids` reads them back from request files); an
    article with one of them in no file is written as a ``lost`` error and listed for
    resubmission. Without ``expected``, a ``texts`` mapping's articles are expected, sent
    as export would send them (an article export skips is a ``not_sent`` error). A
    custom_id that is no article of ``texts`` (nor a part of one) is never written: it is
    listed in :attr:`ImportSummary.set_aside`. ``settings`` must cut articles as the
    export's did (``max_input_tokens``, ``max_article_chars``); its ``ungrounded`` policy
    applies to every reply. When ``out`` is a path it is replaced only when the import
    succeeds.
    """
    if expected is None and isinstance(texts, Mapping):
        articles: Mapping[str, str] | None = texts
    else:
        articles = None
    output = Output(out)
    run = _Import(_lookup(texts), settings, output)
    finished = False
    try:
        for path, number, record in provider_lines(files):
            custom_id = record.get("custom_id")
            if not isinstance(custom_id, str) or not custom_id:
                raise InputError(f"{path}:{number}: no custom_id; is this a provider batch output or error file?")
            run.line(f"{path}:{number}", custom_id, record)
        for custom_id in expected or ():
            run.expect(custom_id)
        for article_id, text in (articles or {}).items():
            run.expect_article(article_id, text)
        run.finish()
        finished = True
    finally:
        output.finish(finished)
    return run.summary
