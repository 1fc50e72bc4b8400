"""The ``eval`` command: score briefs against hand-labeled fixtures and gate on a baseline."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import Backend
from ..errors import BackendError, ConfigError, SummarizerError
from .common import EXIT_REGRESSION, check_backend, configure_logging, fail, say
from .options import BackendOption, BaseUrlOption, CachePathOption, ModelOption, ModeOption, VerboseOption, flag


class EvalFormat(str, Enum):
    md = "md"
    json = "json"
    none = "none"


def _check_failures(report: dict, listed: Path, allowed: bool) -> Optional[str]:
    """Refuse a run in which an article failed (it scores as an empty brief, lowering every
    recall), unless ``allowed``: then the line to say. A run in which every article failed
    scored nothing, and is refused even when allowed."""
    from ..evaluate import said_by_kind, said_failed

    failed, total = report["failed_articles"], report["n_articles"]
    if not failed:
        return None
    if len(failed) == total:
        first = failed[0]
        raise BackendError(f"every article failed ({total} of {total}: {said_by_kind(report)}), so nothing was scored; "
                           f"the first, {first['id']}: {first['error']}; {listed} lists each",
                           failed=len(failed), total=total)
    if not allowed:
        raise BackendError(f"{said_failed(report)}; {listed} lists each; pass --allow-failures to accept "
                           "scores that count them as empty briefs", failed=len(failed), total=total)
    return f"{said_failed(report)}, scored as empty briefs; {listed} lists each"


def _check_outputs(save_predictions: Optional[Path], blessed: Optional[Path], output_format: EvalFormat) -> None:
    """Refuse, before any brief is made, a file that cannot be written or two outputs sharing stdout."""
    from ..output_files import Kind, target_of

    on_stdout = [] if output_format is EvalFormat.none else [f"the report (--format {output_format.value})"]
    for option, path in (("--save-predictions", save_predictions), ("--baseline", blessed)):
        if path is not None and target_of(path)[0] is Kind.stdout:
            on_stdout.append(f"{option} -")
    if len(on_stdout) > 1:
        raise ConfigError(f"{' and '.join(on_stdout)} would both go to standard output; "
                          "keep one (--format none silences the report)")


def eval_command(
    dataset: Annotated[list[Path], typer.Option("--dataset", "-d", help="Folder of <id>.txt + <id>.gold.json (repeatable)")],
    predictions: Annotated[Optional[Path], typer.Option(help="Score these JSONL briefs instead of running a backend")] = None,
    save_predictions: Annotated[Optional[Path], typer.Option(help="Keep the briefs produced, as JSONL (- is standard output)")] = None,
    backend: BackendOption = Backend.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    repeat: Annotated[int, typer.Option(help="Run a nondeterministic backend N times, with no cache; report mean and spread")] = 1,
    value_tolerance: Annotated[float, typer.Option(help="Relative tolerance for figure values")] = 0.005,
    baseline: Annotated[Optional[Path], typer.Option(help="Fail (exit 3) when a gated metric falls below this baseline")] = None,
    bless_baseline: Annotated[bool, flag("--bless", "Rewrite --baseline with this run's scores")] = False,
    report_dir: Annotated[Path, typer.Option(help="Where report.json, report.md and report.html go")] = Path("out/eval"),
    output_format: Annotated[EvalFormat, typer.Option("--format", "-f", help="What to print on stdout")] = EvalFormat.md,
    allow_failures: Annotated[bool, flag("--allow-failures", "Exit as if no article failed (failed ones score as "
                                         "empty briefs and are still reported); not when every article did")] = False,
    no_cache: Annotated[bool, flag("--no-cache", "Do not read or write the local brief cache (the one batch uses)")] = False,
    cache_path: CachePathOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Score briefs against hand-labeled fixtures, write reports, and gate on a baseline.

    Exit codes: 0 every article scored, or some failed and --allow-failures was given;
    1 an article failed (every article: even with --allow-failures), after writing the
    reports; 2 bad input or usage; 3 a gated metric fell below --baseline.
    """
    from .. import evaluate as ev
    from ..api import Summarizer

    configure_logging(verbose)
    try:
        if bless_baseline and baseline is None:
            raise ConfigError("--bless needs --baseline FILE to write")
        _check_outputs(save_predictions, baseline if bless_baseline else None, output_format)
        fixtures = ev.load_dataset(*dataset)
        options: dict = {"repeat": repeat, "tolerance": value_tolerance, "datasets": [str(d) for d in dataset]}
        from_cache = None
        if predictions is not None:
            report, produced = ev.evaluate(fixtures, predictions=ev.read_predictions(predictions), **options)
        else:
            with Summarizer(backend=backend, model=model, base_url=base_url, mode=mode) as summarizer:
                check_backend(backend, summarizer.settings)
                cache = None if no_cache or repeat > 1 else ev.open_cache(summarizer, cache_path)
                try:
                    report, produced = ev.evaluate(fixtures, summarizer=summarizer, cache=cache, **options)
                finally:
                    if cache is not None:
                        cache.close()
            if cache is not None:  # said with the other lines once the run is through: an error is one line
                from_cache = f"{cache.hits} of {len(fixtures)} briefs from the cache (--no-cache makes them all again)"
        if save_predictions is not None:
            ev.write_predictions(save_predictions, produced)
        fallen = []
        if baseline is not None and not bless_baseline:
            fallen = ev.check_baseline(report, baseline)
        paths = ev.write_reports(report, fixtures, report_dir)
        allowed = _check_failures(report, paths[1], allow_failures)
        if bless_baseline:
            ev.bless(report, baseline)
            say(f"blessed {baseline}")
    except SummarizerError as exc:
        raise fail(exc) from None
    if output_format is EvalFormat.json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif output_format is EvalFormat.md:
        sys.stdout.write(ev.render_markdown(report))
    if from_cache:
        say(from_cache)
    if allowed:
        say(allowed)
    say(f"reports in {', '.join(str(p) for p in paths)}")
    for regression in fallen:
        say(f"regression: {regression}")
    if baseline is not None and not bless_baseline and not fallen:
        say(f"gate passed against {baseline}: {report['gate']}")
    if fallen:
        raise typer.Exit(EXIT_REGRESSION)
