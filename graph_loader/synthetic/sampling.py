"""Drawing at random: heavy-tailed weights, items by weight, days of the years the network
covers, fictional phone numbers, record ids."""

from bisect import bisect
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from random import Random

FIRST_DAY = date(2008, 1, 1).toordinal()
LAST_DAY = date(2026, 6, 30).toordinal()
"""Events, interactions, initiatives and memberships fall between these days."""
YEARS = range(2008, 2027)
CAREERS = range(1985, 2026)
"""The years in which people start their first job."""

FICTIONAL_PHONES = (
    "+49 30 23125 {:03d}",
    "+49 69 90009 {:03d}",
    "+49 40 66969 {:03d}",
    "+49 89 99998 {:03d}",
)
"""German numbers reserved for film and TV: valid, and nobody's."""


def pick(rng: Random, weights: dict[str, float]) -> str:
    """One key of ``weights``, by weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def pareto(rng: Random, alpha: float, cap: float) -> float:
    """A heavy-tailed weight of at least 1 and at most ``cap``."""
    return min(rng.paretovariate(alpha), cap)


def day_in(rng: Random, year: int) -> int:
    """A day of ``year`` (as an ordinal), not after ``LAST_DAY``."""
    start = date(year, 1, 1).toordinal()
    return start + rng.randrange(min(365, LAST_DAY - start + 1))


def phone(rng: Random) -> str:
    """A fictional phone number."""
    return rng.choice(FICTIONAL_PHONES).format(rng.randrange(1000))


@dataclass
class Weighted:
    """Items drawn by weight: ``draw`` is a binary search over the cumulative weights."""

    items: list[int] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    _cumulative: list[float] = field(default_factory=list)

    def add(self, item: int, weight: float) -> None:
        self.items.append(item)
        self.weights.append(weight)
        self._cumulative.clear()

    def __len__(self) -> int:
        return len(self.items)

    def draw(self, rng: Random) -> int:
        if not self._cumulative:
            self._cumulative = list(accumulate(self.weights))
        return self.items[bisect(self._cumulative, rng.random() * self._cumulative[-1])]


ID_PREFIX = "syn-"
"""Begins every generated id, so that no generated record takes the id of a record of the demo
(or of any dataset that does not use it) when both are loaded into one graph."""


def synthetic_id(name: str) -> str:
    return ID_PREFIX + name


def padded_id(prefix: str, index: int, count: int) -> str:
    return synthetic_id(f"{prefix}-{index + 1:0{max(4, len(str(count)))}d}")
