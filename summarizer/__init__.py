"""summarizer: structured, grounded briefs of news articles.

    >>> from summarizer import Summarizer
    >>> brief = Summarizer().summarize(open("article.txt").read())
"""

from .api import Summarizer, summarize
from .config import Settings
from .errors import (
    AccessError,
    APIRequestError,
    BackendError,
    ConfigError,
    InputError,
    QuotaExhaustedError,
    SummarizerError,
    TransportError,
    ValidationFailedError,
)
from .grounding import GroundingReport, UngroundedPolicy
from .models import (
    AlignmentStatus,
    Brief,
    BriefMeta,
    Category,
    Figure,
    Participant,
    Qualifier,
    SecurityConcern,
    Span,
    Topic,
)

__version__ = "0.1.0"

__all__ = [
    "APIRequestError",
    "AccessError",
    "AlignmentStatus",
    "BackendError",
    "Brief",
    "BriefMeta",
    "Category",
    "ConfigError",
    "Figure",
    "GroundingReport",
    "InputError",
    "QuotaExhaustedError",
    "Participant",
    "Qualifier",
    "SecurityConcern",
    "Settings",
    "Span",
    "Summarizer",
    "SummarizerError",
    "Topic",
    "TransportError",
    "UngroundedPolicy",
    "ValidationFailedError",
    "__version__",
    "summarize",
]
