"""The backend a configuration asks for, wrapped so every article is capped and long ones split."""

from __future__ import annotations

from ..config import Backend, Settings
from .base import BriefBackend
from .long_articles import LongArticles


def make_backend(settings: Settings) -> BriefBackend:
    """The backend ``settings`` ask for (``auto`` resolved).

    It refuses an article longer than ``settings.max_article_chars``; with an LLM, an
    article whose request would exceed ``settings.max_input_tokens`` is summarized in
    parts that are merged into one brief (:mod:`summarizer.backends.long_articles`).
    """
    if settings.resolved_backend() is Backend.offline:
        from .offline import OfflineBackend

        return LongArticles(OfflineBackend(settings), settings, prompt_tokens=None)
    from .openai.backend import LLMBackend  # imported here: the offline path never loads the clients

    backend = LLMBackend(settings)
    return LongArticles(backend, settings, prompt_tokens=backend.request_tokens)
