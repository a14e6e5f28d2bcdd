"""Names built from the vocabulary: distinct, deterministic, plainly fictional.

The k-th name of a kind walks through every combination of its parts in a spread-out order
(neighbours differ in every part), so the first names of a kind are as varied as the parts
allow; once all combinations are used, a number tells the repeats apart.
"""

from collections.abc import Hashable
from functools import cache
from math import gcd, prod
from random import Random

from graph_loader.synthetic.vocabulary import (
    BASE_TOPICS,
    CLUSTER_PLACES,
    FAMILY_ENDINGS,
    FAMILY_STEMS,
    GIVEN_NAMES,
    INITIATIVE_NOUNS,
    INITIATIVE_WORDS,
    NAME_STEMS,
    ORG_ENDINGS,
    ORG_FORMS,
    PROJECT_PREFIXES,
    PROJECT_SUFFIXES,
    PROJECT_THEMES,
    SECTORS,
    Place,
    SectorWords,
    Words,
)

GOLDEN = 0.6180339887


@cache
def _stride(space: int) -> int:
    """A step coprime to ``space`` near its golden section: visits every combination once."""
    step = max(1, int(space * GOLDEN))
    while gcd(step, space) != 1:
        step += 1
    return step


def combination(k: int, radices: tuple[int, ...], start: int = 0) -> tuple[list[int], int]:
    """The ``k``-th combination of ``len(radices)`` choices counting from the ``start``-th, and
    how many times every combination was used before it."""
    space = prod(radices)
    repeat, k = divmod(k, space)
    rest = (k * _stride(space) + start) % space
    digits = []
    for radix in radices:
        rest, digit = divmod(rest, radix)
        digits.append(digit)
    return digits, repeat


class Numbering:
    """Counts the names of each series (organisations of a sector in a city, initiatives on a
    topic, ...); each series starts at a combination of its own."""

    def __init__(self, rng: Random) -> None:
        self._rng = rng
        self._series: dict[Hashable, list[int]] = {}

    def next(self, series: Hashable) -> tuple[int, int]:
        """The number of the series' next name, and the series' start."""
        if series not in self._series:
            self._series[series] = [0, self._rng.randrange(1 << 30)]
        counter = self._series[series]
        counter[0] += 1
        return counter[0] - 1, counter[1]


def _numbered(name: str, repeat: int) -> str:
    return name if repeat == 0 else f"{name} {repeat + 1}"


def organization_name(place: Place, kind: str, sector: SectorWords, k: int, start: int = 0) -> str:
    """The ``k``-th name of an organisation of ``sector`` at ``place``, for example
    ``Musterwerk Energie Flensburg GmbH``."""
    country = place.country
    stems, endings, words = NAME_STEMS[country], ORG_ENDINGS[country], sector.org_words[country]
    (stem, ending, word), repeat = combination(k, (len(stems), len(endings), len(words)), start)
    prefix, suffix = ORG_FORMS[(country, kind)]
    core = f"{stems[stem]}{endings[ending]} {words[word]} {place.city}"
    return f"{prefix}{_numbered(core, repeat)}{suffix}"


def cluster_name(country: str, sector: SectorWords, k: int, start: int = 0) -> str:
    """For example ``Eksempel Energiklynge Syd``."""
    stems, places = NAME_STEMS[country], CLUSTER_PLACES[country]
    (stem, place), repeat = combination(k, (len(stems), len(places)), start)
    word = sector.cluster_word.in_language(country)
    return _numbered(f"{stems[stem]} {word} {places[place]}", repeat)


def project_name(k: int) -> str:
    """For example ``GrenzPflege Digital``."""
    (prefix, theme, suffix), repeat = combination(
        k, (len(PROJECT_PREFIXES), len(PROJECT_THEMES), len(PROJECT_SUFFIXES))
    )
    name = f"{PROJECT_PREFIXES[prefix]}{PROJECT_THEMES[theme]} {PROJECT_SUFFIXES[suffix]}"
    return _numbered(name, repeat)


def initiative_name(topic: str, k: int, start: int = 0) -> str:
    """The ``k``-th initiative on ``topic``, for example ``Cross-border welfare technology
    pilot``."""
    (word, noun), repeat = combination(k, (len(INITIATIVE_WORDS), len(INITIATIVE_NOUNS)), start)
    return _numbered(f"{INITIATIVE_WORDS[word]} {topic.lower()} {INITIATIVE_NOUNS[noun]}", repeat)


def topic_words(count: int) -> list[Words]:
    """``count`` topics: the base topics, then each of them within a sector."""
    topics = list(BASE_TOPICS[:count])
    for k in range(count - len(topics)):
        (base, sector), repeat = combination(k, (len(BASE_TOPICS), len(SECTORS)))
        words, within = BASE_TOPICS[base], SECTORS[sector].name
        topics.append(
            Words(
                _numbered(f"{words.de} ({within.de})", repeat),
                _numbered(f"{words.da} ({within.da})", repeat),
                _numbered(f"{words.en} ({within.en.lower()})", repeat),
            )
        )
    return topics


def person_name(country: str, rng: Random) -> tuple[str, str]:
    """A given name and a made-up family name (``Eksempelgaard``, ``Mustermann``)."""
    given = rng.choice(GIVEN_NAMES[country])
    family = rng.choice(FAMILY_STEMS[country]) + rng.choice(FAMILY_ENDINGS[country])
    return given, family
