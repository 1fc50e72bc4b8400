"""The budgets of a batch job (``--max-tokens``, ``--max-cost``): may one more article start?

One rule for both engines: the local runner asks it before each article, and on Ray the
job's limiter actor asks it for every maker (:mod:`summarizer.ray.limiter`).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Usage
from .accounting import cost

LEARNING = "learning"  # a check that must wait for the first costs to be known


@dataclass(frozen=True)
class Budget:
    """The limits of one job; either may be None."""

    max_tokens: int | None = None
    max_cost: float | None = None

    def over(self, *, paid: int, in_flight: int, used_tokens: int, spent: float | None,
             guess: Usage | None, price: tuple[float, float, float] | None) -> str | None:
        """The budget that one more article would break, counting those still in flight; else None.

        ``paid`` articles have finished (whatever the outcome), using ``used_tokens`` and
        costing ``spent``. The cost of an article is the average so far; before any is known,
        ``guess`` (the backend's estimate), and rather than stop on a guess the job waits
        (:data:`LEARNING`) for the first articles in flight to say what they really cost.
        """
        if paid == 0 and in_flight == 0:
            return None  # the first article is how the job learns what one costs
        coming = in_flight + 1
        if self.max_tokens is not None:
            per_article = used_tokens / paid if paid else (guess.total_tokens if guess else 0)
            if used_tokens + coming * per_article > self.max_tokens:
                return LEARNING if paid == 0 else f"--max-tokens {self.max_tokens}"
        if self.max_cost is not None and spent is not None:
            guessed = cost(guess, price) if guess else None
            per_article = spent / paid if paid else (guessed or 0)
            if spent + coming * per_article > self.max_cost:
                return LEARNING if paid == 0 else f"--max-cost {self.max_cost}"
        return None
