"""Backends: what turns one article into one brief.

    base.py           the protocol every backend follows, with its capabilities
    factory.py        make_backend: the backend a configuration asks for
    long_articles.py  the wrapper that caps every article and splits long ones for an LLM
    offline.py        the deterministic extractor (summarizer.offline) as a backend
    openai/           the OpenAI-compatible backend, split by concern
"""

from .base import BriefBackend, Capabilities
from .factory import make_backend

__all__ = ["BriefBackend", "Capabilities", "make_backend"]
