"""The Python API: :class:`Summarizer` and the :func:`summarize` shortcut."""

from __future__ import annotations

from typing import Any

from .backends import make_backend
from .config import Backend, resolve_settings
from .inputs import check_article
from .models import Brief


class Summarizer:
    """Turns news articles into grounded briefs.

    Args:
        backend: ``"auto"`` (default: the OpenAI-compatible backend when an API key or
            base URL is configured, else offline), ``"openai"`` or ``"offline"``.
        model, base_url, api_key, mode, temperature, timeout: for the OpenAI-compatible
            backend; unset ones come from ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``,
            ``SUMMARIZER_MODEL``, ``SUMMARIZER_MODE``, then defaults.
        **options: any other field of :class:`summarizer.config.Settings`
            (``max_reasks``, ``ungrounded="drop"``, ...).

    Example:
        >>> brief = Summarizer(backend="offline").summarize(text)
        >>> brief.figures[0].value, brief.meta.prompt_version
    """

    def __init__(
        self,
        backend: str | Backend | None = None,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        mode: str | None = None,
        temperature: float | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> None:
        self.settings = resolve_settings(
            backend=backend,
            model=model,
            base_url=base_url,
            api_key=api_key,
            mode=mode,
            temperature=temperature,
            timeout=timeout,
            **options,
        )
        self._backend = make_backend(self.settings)

    @property
    def backend(self) -> str:
        """The backend in use: ``"openai"`` or ``"offline"``."""
        return self._backend.name

    @property
    def version(self) -> str:
        """The version of what makes the briefs: the prompt's for an LLM, the extractor's code
        offline (``brief.meta.prompt_version``, and part of the brief cache's key)."""
        return self._backend.version

    def summarize(self, text: str) -> Brief:
        """The brief of one article; its metadata is on ``brief.meta``."""
        return self._backend.summarize(check_article(text))

    async def asummarize(self, text: str) -> Brief:
        """The brief of one article, without blocking the event loop."""
        return await self._backend.asummarize(check_article(text))

    def close(self) -> None:
        """Release the backend's network connections; also done on leaving a ``with`` block."""
        self._backend.close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def aclose(self) -> None:
        """Release the network connections of the sync and async clients."""
        await self._backend.aclose()

    async def __aenter__(self) -> Summarizer:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"Summarizer(backend={self.backend!r}, model={self.settings.model!r})"


def summarize(text: str, **kwargs: Any) -> Brief:
    """The brief of one article with a throwaway :class:`Summarizer` (same arguments)."""
    with Summarizer(**kwargs) as summarizer:
        return summarizer.summarize(text)
