"""Logging set-up for the command line, and redaction of secrets from every log record.

No API key is ever logged. :class:`RedactingFilter` rewrites a record's message and its
traceback text, replacing the keys registered with :func:`add_secret`, anything shaped
like an OpenAI key (``sk-...``) and the value of an ``Authorization``/``Bearer`` or
``api-key`` header by ``[redacted]``. Two places attach it:

* the command line, on its handlers (:func:`configure_logging`), so nothing any library
  logs reaches the terminal unredacted;
* every LLM backend when it is created (:func:`protect`), on the loggers of the libraries
  that see the key or echo the server's replies (openai, httpx, httpcore, aiohttp,
  instructor) and on ``summarizer``'s own, so the library used without the CLI does not
  leak either, whatever handlers the application installed (or Python's last-resort
  handler, which prints warnings to stderr when there are none).

A filter on a logger only sees records made by that very logger, not by its children,
so :func:`protect` installs it on each existing logger of those namespaces; it is
idempotent and cheap, and runs again for every backend created.
"""

from __future__ import annotations

import logging
import re
import threading

__all__ = ["LIBRARY_LOGGERS", "REDACTED", "RedactingFilter", "add_secret", "configure_logging", "protect", "redact"]

REDACTED = "[redacted]"
LIBRARY_LOGGERS = ("openai", "httpx", "httpx2", "httpcore", "httpcore2", "aiohttp", "instructor", "summarizer")
# Shorter values ("x", "ollama") are local servers' placeholders, no key anyone would use
# against a real server; redacting them would blank out ordinary words in every message.
MIN_SECRET_LENGTH = 8

_KEY_LIKE = re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}")
# A bearer token has a digit, dot, dash or underscore: "bearer bonds" stays as it is.
_BEARER = re.compile(r"(?i)\b(bearer\s+)(?=[^\s'\",;}\]]*[\d._\-])[^\s'\",;}\]]{8,}")
_HEADER = re.compile(r"(?i)\b((?:x-)?api[-_]key['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}\]]+")

_secrets: tuple[str, ...] = ()
_lock = threading.Lock()
_formatter = logging.Formatter()


def add_secret(value: str | None) -> None:
    """Redact ``value`` (an API key) from every record the filter sees from now on."""
    global _secrets
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        if value not in _secrets:
            # longest first, so a key that contains another is replaced whole
            _secrets = tuple(sorted({*_secrets, value}, key=len, reverse=True))


def redact(text: str) -> str:
    """``text`` with registered secrets, ``sk-...`` keys and bearer or api-key header values replaced."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    if "sk-" in text:
        text = _KEY_LIKE.sub(REDACTED, text)
    text = _BEARER.sub(rf"\g<1>{REDACTED}", text)
    return _HEADER.sub(rf"\g<1>{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record whose message, traceback or stack holds a secret; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report, not ours
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and record.exc_info[1] is not None:
            # The exception's own text (an API error echoing the key) is formatted now and
            # kept only as redacted text; handlers print exc_text as they would the traceback.
            text = record.exc_text or _formatter.formatException(record.exc_info)
            if redact(text) != text:
                record.exc_text, record.exc_info = redact(text), None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def _install(target: logging.Logger | logging.Handler) -> None:
    if not any(isinstance(f, RedactingFilter) for f in target.filters):
        target.addFilter(_FILTER)


def protect(secret: str | None = None) -> None:
    """Register ``secret`` and put the redacting filter on every library logger that exists now.

    Idempotent; the LLM backend calls it each time one is created.
    """
    add_secret(secret)
    existing = [name for name, node in list(logging.Logger.manager.loggerDict.items()) if isinstance(node, logging.Logger)]
    for name in {*LIBRARY_LOGGERS, *existing}:
        if any(name == root or name.startswith(root + ".") for root in LIBRARY_LOGGERS):
            _install(logging.getLogger(name))


def configure_logging(verbose: int) -> None:
    """The command line's logging: warnings (``-v`` info, ``-vv`` debug), every handler redacting secrets."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="summarizer: %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        _install(handler)
    # instructor logs every failed attempt at ERROR; our own messages say it once, better.
    logging.getLogger("instructor").setLevel(logging.CRITICAL if verbose < 2 else logging.DEBUG)
    protect()
