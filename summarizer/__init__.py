"""summarizer: structured, grounded briefs of news articles.

    >>> from summarizer import Summarizer
    >>> brief = Summarizer().summarize(open("article.txt").read())

The names below are loaded on first use, so that ``summarizer --help`` or a helper
process pays only for what it touches.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> the module that defines it
_HOMES = {
    "Summarizer": "api", "summarize": "api",
    "Settings": "config", "UngroundedPolicy": "config",
    "AccessError": "errors", "APIRequestError": "errors", "BackendError": "errors", "ConfigError": "errors",
    "InputError": "errors", "OutputError": "errors", "QuotaExhaustedError": "errors", "SummarizerError": "errors",
    "TransportError": "errors", "ValidationFailedError": "errors",
    "AlignmentStatus": "models", "Brief": "models", "BriefMeta": "models", "Category": "models",
    "Figure": "models", "GroundingReport": "models", "Participant": "models", "Qualifier": "models",
    "SecurityConcern": "models", "Span": "models", "Topic": "models",
}

__all__ = sorted([*_HOMES, "__version__"])


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from .api import Summarizer, summarize
    from .config import Settings, UngroundedPolicy
    from .errors import (
        AccessError,
        APIRequestError,
        BackendError,
        ConfigError,
        InputError,
        OutputError,
        QuotaExhaustedError,
        SummarizerError,
        TransportError,
        ValidationFailedError,
    )
    from .models import (
        AlignmentStatus,
        Brief,
        BriefMeta,
        Category,
        Figure,
        GroundingReport,
        Participant,
        Qualifier,
        SecurityConcern,
        Span,
        Topic,
    )
