"""What a batch job did and cost: articles ok and failed, tokens, estimated cost, throughput."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import Usage

# US$ per million tokens: (input, cached input, output). Prices change; override them
# with --prices FILE.json ({"model": [input, cached_input, output]}).
DEFAULT_PRICES: dict[str, tuple[float, float, float]] = {
    "gpt-4o-mini": (0.15, 0.075, 0.60),
    "gpt-4o": (2.50, 1.25, 10.00),
    "gpt-4.1-mini": (0.40, 0.10, 1.60),
    "gpt-4.1-nano": (0.10, 0.025, 0.40),
    "gpt-4.1": (2.00, 0.50, 8.00),
}


def load_prices(path: Path | None) -> dict[str, tuple[float, float, float]]:
    """The default price table, updated from a JSON file of ``{"model": [input, cached, output]}``."""
    prices = dict(DEFAULT_PRICES)
    if path is None:
        return prices
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for model, values in data.items():
            prices[model] = (float(values[0]), float(values[1]), float(values[2]))
    except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
        raise InputError(f"{path}: not a price table of {{\"model\": [input, cached, output]}} ({exc})") from None
    return prices


def cost(usage: Usage, price: tuple[float, float, float] | None) -> float | None:
    """US$ for ``usage`` at ``price`` (None when the model has no price)."""
    if price is None:
        return None
    fresh = usage.prompt_tokens - usage.cached_tokens
    return (fresh * price[0] + usage.cached_tokens * price[1] + usage.completion_tokens * price[2]) / 1_000_000


@dataclass
class Accounts:
    """Running totals of a batch job."""

    price: tuple[float, float, float] | None = None
    started: float = field(default_factory=time.monotonic)
    ok: int = 0
    failed: Counter = field(default_factory=Counter)
    skipped: int = 0
    cached: int = 0
    api_calls: int = 0
    usage: Usage = field(default_factory=Usage)

    @property
    def done(self) -> int:
        return self.ok + sum(self.failed.values())

    @property
    def cost(self) -> float | None:
        return cost(self.usage, self.price)

    def add_usage(self, usage: Usage) -> None:
        self.usage = self.usage + usage

    def summary(self) -> dict[str, Any]:
        wall = time.monotonic() - self.started
        return {
            "ok": self.ok,
            "failed": sum(self.failed.values()),
            "failed_by_reason": dict(sorted(self.failed.items())),
            "skipped_already_done": self.skipped,
            "from_cache": self.cached,
            "api_calls": self.api_calls,
            "usage": self.usage.model_dump(),
            "estimated_cost_usd": None if self.cost is None else round(self.cost, 6),
            "wall_time_s": round(wall, 3),
            "articles_per_s": round(self.done / wall, 3) if wall > 0 else None,
        }
