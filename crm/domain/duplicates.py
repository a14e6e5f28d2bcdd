"""Duplicate candidates: which records of one label are probably the same, how sure, and why.

Records are compared only within blocks (records that share a blocking key: a VAT id, an e-mail
address, a phone number, a folded name or its start), so the work grows with the blocks' sizes,
not with the square of the records. Names are compared by rapidfuzz after Danish and German
transliteration and without legal forms (``crm.domain.natural_keys``); what the records share
or contradict besides (e-mail, phone, VAT id, employer, city, cluster, website, title) moves the
score up or down, and each signal is said in words.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from crm.domain.natural_keys import folded_name

DEFAULT_MIN_SCORE = 0.8
"""Pairs scoring less are not candidates unless a caller asks for a lower ``minScore``."""

NAME_FLOOR = 85.0
"""The least name similarity (0-100, rapidfuzz's ratio) for a pair of a large name block to be
scored at all: a typo or two leave more (``bo lund``, ``bo lnud``: 86)."""
SMALL_BLOCK = 8
"""Name blocks up to this size are compared pair by pair, without the similarity filter."""
NAME_BLOCKS = frozenset({"first", "second", "last"})


@dataclass(frozen=True)
class Candidate:
    """What duplicate detection reads of one record.

    ``keys`` are exact identifiers (VAT id, e-mail key, phone in E.164), each a strong signal
    when two records share it; ``ties`` are the ids and names of records it is tied to that say
    where it belongs (employers, clusters); ``facts`` are facts that agree or disagree (city,
    website, title, languages, country)."""

    id: str
    name: str
    keys: dict[str, str] = field(default_factory=dict)
    ties: dict[str, str] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    folded: str = field(init=False, repr=False, compare=False)
    """The name transliterated, without its legal form (computed once)."""
    numbers: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        folded = folded_name(self.name)
        object.__setattr__(self, "folded", folded)
        object.__setattr__(
            self, "numbers", frozenset(word for word in folded.split() if word.isdigit())
        )


@dataclass(frozen=True)
class Pair:
    """Two records that are probably one, ``a`` < ``b``, with a score from 0 to 1 and the
    reasons, strongest first."""

    a: str
    b: str
    score: float
    reasons: tuple[str, ...]


KEY_WORDS = {"vatId": "VAT id", "email": "e-mail address", "phone": "phone number"}
KEY_WEIGHTS = {"vatId": (0.6, 0.5), "email": (0.5, 0.4), "phone": (0.3, 0.2)}
"""What sharing a key adds, and what both having one that differs takes away."""
FACT_WEIGHTS = {
    "website": (0.3, 0.4),
    "city": (0.1, 0.2),
    "title": (0.1, 0.1),
    "languages": (0.1, 0.15),
}
"""What an equal fact adds, and what both having it and differing takes away."""
TYPO_SIMILARITY = (1.0, 0.95, 0.88)
"""How alike names are that differ by 0, 1 or 2 typos (a letter dropped, added, changed, or two
swapped: the optimal string alignment distance)."""
UNLIKE = 0.1
"""Names further apart are as alike as rapidfuzz's ratio says, less this: names that differ in
a whole syllable (``Eksempellev``, ``Eksempelsen``) are other names, however long."""
OTHER_COUNTRY = 0.3
TIE_WEIGHT = 0.2
OTHER_NUMBER = 0.3
"""Names that differ in a number (``Probe 2`` and ``Probe 3``) are told apart by it."""
NAME_OFFSET = {"Person": 0.45, "Organization": 0.2, "Cluster": 0.2}
"""Equal names alone score ``1 - offset``: below the default threshold, so a pair needs more
than a name. People's names repeat more often than organisations' (namesakes), so a person
needs more besides."""


def candidate_pairs(records: list[Candidate]) -> Iterator[tuple[int, int]]:
    """The pairs of records (by index, smaller first) that share a block, each once."""
    seen: set[tuple[int, int]] = set()
    for (kind, _), block in _blocks(records).items():
        for pair in _block_pairs(records, block, kind in NAME_BLOCKS):
            if pair not in seen:
                seen.add(pair)
                yield pair


def _blocks(records: list[Candidate]) -> dict[tuple[str, str], list[int]]:
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(records):
        for kind, value in record.keys.items():
            blocks[(kind, value)].append(index)
        words = record.folded.split()
        if not words:
            continue
        country = record.facts.get("country", "")
        # The first word whole with the second's first letter, and the second word whole with
        # the first's: a typo in one word leaves the other block intact.
        second = words[1] if len(words) > 1 else ""
        blocks[("first", f"{country}|{words[0]}|{second[:1]}")].append(index)
        if second:
            blocks[("second", f"{country}|{second}|{words[0][:1]}")].append(index)
        if len(words) > 2:  # a typo across the first two words ("Demoberg olkerei Kiel")
            blocks[("last", f"{country}|{words[-1]}")].append(index)
    return blocks


def _block_pairs(
    records: list[Candidate], block: list[int], named: bool
) -> Iterable[tuple[int, int]]:
    """The pairs of a block: all of them in a block of a shared key or a small one; in a
    larger name block, those whose names are alike (rapidfuzz's C loop picks them)."""
    if len(block) < 2:
        return
    if not named or len(block) <= SMALL_BLOCK:
        for i, j in combinations(block, 2):
            yield _ordered(i, j)
        return
    names = [records[index].folded for index in block]
    for i, name in enumerate(names):
        alike = process.extract(name, names, scorer=fuzz.ratio, score_cutoff=NAME_FLOOR, limit=None)
        for _, _, j in alike:
            if i < j:
                yield _ordered(block[i], block[j])


def _ordered(i: int, j: int) -> tuple[int, int]:
    return (i, j) if i < j else (j, i)


def score_pair(a: Candidate, b: Candidate, offset: float = 0.3) -> Pair:
    """How probably ``a`` and ``b`` are one record, and why; equal names alone score
    ``1 - offset``."""
    reasons: list[tuple[float, str]] = []
    score = _name_score(a, b, reasons) - offset
    for key, (weight, penalty) in KEY_WEIGHTS.items():
        score += _compare(
            a.keys.get(key),
            b.keys.get(key),
            weight=weight,
            penalty=penalty,
            reasons=reasons,
            what=key,
        )
    for fact, (weight, penalty) in FACT_WEIGHTS.items():
        score += _compare(
            a.facts.get(fact),
            b.facts.get(fact),
            weight=weight,
            penalty=penalty,
            reasons=reasons,
            what=fact,
        )
    if a.facts.get("country") != b.facts.get("country"):
        score -= OTHER_COUNTRY
        reasons.append((-OTHER_COUNTRY, "different countries"))
    shared = sorted(a.ties.keys() & b.ties.keys())
    if shared:
        score += TIE_WEIGHT
        names = ", ".join(f"{a.ties[tie]} ({tie})" for tie in shared[:3])
        reasons.append((TIE_WEIGHT, f"both tied to {names}"))
    first, second = sorted((a.id, b.id))
    ordered = tuple(text for _, text in sorted(reasons, key=lambda reason: -reason[0]))
    return Pair(first, second, round(min(1.0, max(0.0, score)), 3), ordered)


def _name_score(a: Candidate, b: Candidate, reasons: list[tuple[float, str]]) -> float:
    if a.folded == b.folded:
        similarity = 1.0
        said = "the same name" if a.name == b.name else f"names equal after folding: {a.folded!r}"
        reasons.append((0.9, said))
    else:
        # On the folded names, and as written: a dropped "ø" is one letter, not the two of "oe".
        typos = min(
            OSA.distance(a.folded, b.folded, score_cutoff=len(TYPO_SIMILARITY)),
            OSA.distance(a.name.casefold(), b.name.casefold(), score_cutoff=len(TYPO_SIMILARITY)),
        )
        if typos <= len(TYPO_SIMILARITY) - 1:
            similarity = TYPO_SIMILARITY[typos]
            letters = "letter" if typos == 1 else "letters"
            reasons.append((similarity * 0.8, f"names {typos} {letters} apart"))
        else:
            alike = fuzz.ratio(a.folded, b.folded) / 100
            similarity = alike - UNLIKE
            reasons.append((similarity * 0.8, f"names {alike:.0%} alike"))
    if a.numbers != b.numbers:
        similarity -= OTHER_NUMBER
        reasons.append((-OTHER_NUMBER, "their names have other numbers"))
    return similarity


def _compare(
    mine: str | None,
    theirs: str | None,
    *,
    weight: float,
    penalty: float,
    reasons: list[tuple[float, str]],
    what: str,
) -> float:
    """What one key or fact adds to a pair's score (nothing when either lacks it)."""
    if mine is None or theirs is None:
        return 0.0
    words = KEY_WORDS.get(what, what)
    if mine.casefold() == theirs.casefold():
        said = f"the same {words}" if what in KEY_WORDS else f"the same {words}: {mine}"
        reasons.append((weight + (1 if what in KEY_WORDS else 0), said))
        return weight
    if penalty:
        reasons.append((-penalty, f"different {words}"))
    return -penalty


def find_duplicates(
    records: list[Candidate],
    min_score: float = DEFAULT_MIN_SCORE,
    hidden: frozenset[tuple[str, str]] = frozenset(),
    offset: float = 0.3,
) -> list[Pair]:
    """Every pair scoring ``min_score`` or more, best first (then by ids); pairs in ``hidden``
    (ids in order) are left out. ``offset``: see ``score_pair`` (and ``NAME_OFFSET``)."""
    pairs = []
    for i, j in candidate_pairs(records):
        pair = score_pair(records[i], records[j], offset)
        if pair.score >= min_score and (pair.a, pair.b) not in hidden:
            pairs.append(pair)
    pairs.sort(key=lambda pair: (-pair.score, pair.a, pair.b))
    return pairs
