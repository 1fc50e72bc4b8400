"""Settings, resolved in one place: explicit argument, then environment variable, then default.

Environment variables read (here and nowhere else):

    OPENAI_API_KEY       the API key (never logged, never written)
    OPENAI_BASE_URL      any OpenAI-compatible server, e.g. http://localhost:8000/v1
    SUMMARIZER_MODEL     the model name
    SUMMARIZER_MODE      auto | tools | json_schema | json | md_json
    SUMMARIZER_SERVER    auto | openai | vllm | llamacpp | ollama | lmstudio | generic
    SUMMARIZER_BACKEND   auto | openai | offline
    SUMMARIZER_MAX_INPUT_TOKENS   input tokens per request; a longer article is split in parts
    SUMMARIZER_MAX_ARTICLE_CHARS  the hard cap: a longer article is refused before any request
    SUMMARIZER_RAISE_ERRORS  1 to show tracebacks in the CLI
    XDG_CACHE_HOME       where the batch brief cache lives (default ~/.cache)
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit, urlunsplit
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError

DEFAULT_MODEL = "gpt-4o-mini"
# Input tokens per request (characters / 4, the rule of llm.estimate_tokens). About 1,850
# of them are the prompt and schema (2,600 in json and md_json modes, where the schema is
# text), leaving ~16,500 characters (~2,700 words) of article: nearly every news article
# is one request, and one part's brief stays well inside the 4,096-token output budget.
# With that output budget it fits a 16k context; for an 8k model set about 3,500.
DEFAULT_MAX_INPUT_TOKENS = 6_000
# About 80,000 words, four times the longest features, ~28 requests at the default
# budget: past it the input is a book or a concatenation, refused before it costs money.
DEFAULT_MAX_ARTICLE_CHARS = 500_000
# A local server (vLLM, Ollama, llama.cpp) needs no key, but the openai client insists on one.
NO_KEY_PLACEHOLDER = "not-needed"


class UngroundedPolicy(str, Enum):
    """What to do with an item whose evidence is still not found after the re-asks."""

    flag = "flag"
    drop = "drop"


class Backend(str, Enum):
    auto = "auto"
    openai = "openai"
    offline = "offline"


class Mode(str, Enum):
    """How the structured reply is requested (mapped to instructor's modes in ``structured.py``).

    ``auto`` is the strongest mode the server takes (see ``backends/openai/dialects.py``);
    for OpenAI's own API it is ``tools``.
    """

    auto = "auto"
    tools = "tools"
    json_schema = "json_schema"
    json = "json"
    md_json = "md_json"


class ServerKind(str, Enum):
    """The kind of OpenAI-compatible server, for what it accepts; ``auto`` asks its ``/v1/models``."""

    auto = "auto"
    openai = "openai"
    vllm = "vllm"
    llamacpp = "llamacpp"
    ollama = "ollama"
    lmstudio = "lmstudio"
    generic = "generic"


@dataclass(frozen=True)
class Settings:
    """Everything a backend needs; build it with :func:`resolve_settings`."""

    backend: Backend = Backend.auto
    # None: not chosen. OpenAI's own API gets DEFAULT_MODEL; any other server must be told
    # (see chosen_model): a default name sent to vLLM or Ollama is a 404 at best.
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: Mode = Mode.auto
    server_kind: ServerKind = ServerKind.auto
    temperature: float = 0.0
    # Seconds a call may go without a byte of its reply (a streamed reply is cut for
    # stalling, not for being slow); ``deadline`` bounds each brief's calls in all.
    timeout: float = 60.0
    # None streams from the local servers (vLLM, llama.cpp, Ollama, LM Studio), whose
    # replies take minutes on a CPU; a whole reply from anyone else must come in ``timeout``.
    stream: bool | None = None
    # None retries a timed-out call except to a server on this machine or a private network,
    # which works one request at a time and would queue the retry behind the abandoned reply.
    retry_timeouts: bool | None = None
    # None fits the output budget to the article (tokens.fitted_output_budget); 0 sends none.
    max_output_tokens: int | None = None
    # A reply cut off at max_output_tokens is asked for once more with twice the budget,
    # never more than this ceiling.
    max_output_tokens_ceiling: int = 16384
    max_reasks: int = 2
    transport_attempts: int = 4
    max_retry_wait: float = 30.0
    deadline: float = 300.0
    ungrounded: UngroundedPolicy = UngroundedPolicy.flag
    max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS
    max_article_chars: int = DEFAULT_MAX_ARTICLE_CHARS
    model_is_default: bool = field(default=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.model is None and not self.serves_own_models:
            object.__setattr__(self, "model", DEFAULT_MODEL)
            object.__setattr__(self, "model_is_default", True)
        elif self.model != DEFAULT_MODEL:
            object.__setattr__(self, "model_is_default", False)
        if self.timeout <= 0 or self.deadline <= 0:
            raise ConfigError("timeout and deadline must be positive numbers of seconds")
        if not 0 <= self.temperature <= 2:
            raise ConfigError(f"temperature {self.temperature} is outside 0..2")
        if self.max_reasks < 0 or self.transport_attempts < 1:
            raise ConfigError("max_reasks must be >= 0 and transport_attempts >= 1")
        if self.max_output_tokens_ceiling < 1:
            raise ConfigError("max_output_tokens_ceiling must be a positive number of tokens")
        if self.max_input_tokens < 1 or self.max_article_chars < 1:
            raise ConfigError("max_input_tokens and max_article_chars must be positive whole numbers")

    @property
    def serves_own_models(self) -> bool:
        """Whether the base URL is a server other than OpenAI's API, so no default model name can be right."""
        if not self.base_url:
            return False
        host = (urlsplit(self.base_url).hostname or "").lower()
        return host != "openai.com" and not host.endswith(".openai.com")

    @property
    def on_private_network(self) -> bool:
        """Whether the server is on this machine or a private network (a local model, one queue of work)."""
        host = (urlsplit(self.base_url or "").hostname or "").lower()
        if not host:
            return False
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal", ".lan")):
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return address.is_loopback or address.is_private or address.is_link_local

    @property
    def retries_timeouts(self) -> bool:
        """Whether a timed-out call is sent again (``retry_timeouts``, or not to a private server)."""
        return self.retry_timeouts if self.retry_timeouts is not None else not self.on_private_network

    @property
    def server(self) -> str:
        """The base URL without any credentials it holds, fit for a message."""
        parts = urlsplit(self.base_url or "")
        netloc = parts.netloc.rpartition("@")[2]
        return urlunsplit((parts.scheme, netloc, parts.path, "", "")) or "OpenAI's API"

    def chosen_model(self) -> str:
        """The model to ask for; a ConfigError when a server of its own was given without one."""
        if self.model:
            return self.model
        raise ConfigError(
            f"no model named for the server at {self.server}: pass --model (from Python, model=...) "
            f"or set SUMMARIZER_MODEL; the server's /v1/models lists the names it serves"
        )

    @property
    def has_credentials(self) -> bool:
        """Whether an API key or a server address was configured."""
        return bool(self.api_key or self.base_url)

    def resolved_backend(self) -> Backend:
        """``auto`` becomes ``openai`` when a key or base URL is configured, else ``offline``."""
        if self.backend is not Backend.auto:
            return self.backend
        return Backend.openai if self.has_credentials else Backend.offline

    def key_for_client(self) -> str:
        """The key to hand the openai client; a missing key is an error unless a base URL is set."""
        if self.api_key:
            return self.api_key
        if self.base_url:
            return NO_KEY_PLACEHOLDER
        raise ConfigError(
            "no API key: set OPENAI_API_KEY (from Python, api_key=...), or give a local server's "
            "address with --base-url or OPENAI_BASE_URL, or use --backend offline"
        )

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


_ENV = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "SUMMARIZER_MODEL",
    "mode": "SUMMARIZER_MODE",
    "server_kind": "SUMMARIZER_SERVER",
    "backend": "SUMMARIZER_BACKEND",
    "max_input_tokens": "SUMMARIZER_MAX_INPUT_TOKENS",
    "max_article_chars": "SUMMARIZER_MAX_ARTICLE_CHARS",
}
_ENUMS = {"mode": Mode, "backend": Backend, "ungrounded": UngroundedPolicy, "server_kind": ServerKind}
_WHOLE_NUMBERS = {"max_input_tokens", "max_article_chars"}


def _coerce(name: str, value: Any) -> Any:
    if name in _WHOLE_NUMBERS and isinstance(value, str):
        try:
            return int(value.strip().replace("_", "").replace(",", ""))
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {value!r}") from None
    kind = _ENUMS.get(name)
    if kind is None or isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise ConfigError(f"unknown {name} {value!r}: choose one of {choices}") from None


def resolve_settings(environ: Mapping[str, str] | None = None, **explicit: Any) -> Settings:
    """Settings from explicit arguments (``None`` means not given), then the environment, then defaults."""
    environ = os.environ if environ is None else environ
    known = {f.name for f in fields(Settings)}
    unknown = set(explicit) - known
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name in known:
        value = explicit.get(name)
        if value is not None:
            values[name] = _coerce(name, value)
        elif name in _ENV and (value := environ.get(_ENV[name]) or None) is not None:
            try:
                values[name] = _coerce(name, value)
            except ConfigError as exc:  # say where the value came from: the user never typed it here
                raise ConfigError(f"{_ENV[name]}={value!r}: {exc}") from None
    return Settings(**values)


def raise_errors(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the CLI should re-raise errors with a traceback (``SUMMARIZER_RAISE_ERRORS=1``)."""
    environ = os.environ if environ is None else environ
    return environ.get("SUMMARIZER_RAISE_ERRORS", "").strip().lower() in {"1", "true", "yes"}


def default_cache_path(environ: Mapping[str, str] | None = None) -> Path:
    """The batch brief cache: ``$XDG_CACHE_HOME/summarizer/briefs.sqlite`` (``~/.cache`` when unset)."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "summarizer" / "briefs.sqlite"
