"""Full-text search over every label, in German, Danish and English.

The engines' indexes hold ``searchText`` (the folded name and texts, ``crm/graph/properties.py``).
A search is folded the same way and split into words; each word is looked for as a prefix,
together with its German, Danish and English stems and with its translations from the graph's
own vocabulary: the labels of its sectors and topics (``Gesundheit``, ``Sundhed``, ``Health``),
so a word in one language finds records written in another. Every word must be found.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import LiteralString

from crm.domain import Label
from crm.domain.nodes import Sector, Topic
from crm.domain.search import stems, words
from crm.errors import InvalidInput
from crm.graph.cypher import render
from crm.graph.properties import from_properties
from crm.graph.store import GraphStore, Record
from crm.queries.answers import ANSWERS

MAX_TEXT = 200
"""The longest search text, in characters."""
MAX_WORDS = 8
"""The most words one search looks for."""
VOCABULARY_LABELS = (Label.SECTOR, Label.TOPIC)
"""The labels whose names in several languages translate a search word."""

_VOCABULARY = " UNION ALL ".join(
    render("MATCH (n:%label%) RETURN '%label%' AS label, properties(n) AS n", label=label)
    for label in VOCABULARY_LABELS
)


@dataclass(frozen=True)
class Hit:
    label: Label
    properties: Record
    score: float


def search_words(text: str) -> list[str]:
    """The words of a search text; ``InvalidInput`` when there are none or too many."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"a search text has at most {MAX_TEXT} characters")
    found = [word for word in dict.fromkeys(words(text)) if len(word) > 1]
    if not found:
        raise InvalidInput("a search needs a word of two letters or digits or more")
    if len(found) > MAX_WORDS:
        raise InvalidInput(f"a search looks for at most {MAX_WORDS} words")
    return found


def translations(rows: Iterable[Record]) -> list[frozenset[str]]:
    """Sets of words that name one sector or topic in different languages (single words only:
    ``Energie``, ``Energi``, ``Energy``)."""
    models: dict[str, type[Sector] | type[Topic]] = {
        Label.SECTOR.value: Sector,
        Label.TOPIC.value: Topic,
    }
    vocabulary = []
    for row in rows:
        record = from_properties(models[row["label"]], row["n"])
        names = [record.name]
        if record.labels is not None:
            names += [
                name for name in (record.labels.de, record.labels.da, record.labels.en) if name
            ]
        split = [words(name) for name in names]
        single = frozenset(parts[0] for parts in split if len(parts) == 1)
        if len(single) > 1:
            vocabulary.append(single)
    return vocabulary


def alternatives(word: str, vocabulary: Sequence[frozenset[str]]) -> list[str]:
    """What a search word may match: itself, its stems, and its translations with theirs."""
    own = stems(word)
    group = set(own)
    for names in vocabulary:
        if any(own & stems(name) for name in names):
            for name in names:
                group |= stems(name)
    return sorted(group)


async def search(store: GraphStore, text: str, labels: Sequence[Label], first: int) -> list[Hit]:
    """The ``first`` best matches among the nodes of ``labels``, best first (two statements:
    the vocabulary, unless kept from an earlier search on the same version of the graph, then
    one search over every label)."""
    found = search_words(text)
    if not labels or first == 0:
        return []
    vocabulary, _ = await ANSWERS.get(store, "search vocabulary", lambda: _vocabulary(store))
    query = store.dialect.fulltext_query([alternatives(word, vocabulary) for word in found])
    rows = await store.read(_statement(store, labels), {"query": query, "first": first})
    hits = [Hit(Label(row["label"]), row["n"], float(row["score"])) for row in rows]
    hits.sort(key=lambda hit: (-hit.score, hit.label.value, hit.properties["id"]))
    return hits[:first]


async def _vocabulary(store: GraphStore) -> list[frozenset[str]]:
    """The graph's translations, kept per version of the graph (``ANSWERS``): every search
    needs them, and they change only when a sector or topic does."""
    return translations(await store.read(_VOCABULARY))


def _statement(store: GraphStore, labels: Sequence[Label]) -> LiteralString:
    """Each label's best ``$first`` (one statement); the caller merges them."""
    parts = [
        store.dialect.fulltext_search(label)
        + render(
            " RETURN '%label%' AS label, properties(node) AS n, score "
            "ORDER BY score DESC, node.id LIMIT $first",
            label=label,
        )
        for label in labels
    ]
    return " UNION ALL ".join(parts)
