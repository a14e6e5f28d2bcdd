import string
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.domain import Label
from crm.domain.nodes import Cluster, Event, Person
from crm.domain.search import fold, stems, words
from crm.graph.dialect import FALKORDB, NEO4J
from crm.graph.properties import to_properties
from crm.graph.schema import NodeProperty
from crm.queries.search import alternatives, translations


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Sønderborg", "sonderborg"),
        ("FLENSBURG", "flensburg"),
        ("Ærø  Kommune", "aero kommune"),
        ("Åbenrå", "abenra"),
        ("Straße", "strasse"),
        ("Île-de-France", "ile-de-france"),
    ],
)
def test_fold_drops_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_nodes_carry_their_folded_name() -> None:
    person = Person.model_validate(
        {
            "id": "p-1",
            "source": "test",
            "givenName": "Søren",
            "familyName": "Ærenlund",
            "country": "DK",
            "consent": {"basis": "consent", "date": "2020-01-01"},
        }
    )
    event = Event.model_validate(
        {"id": "e-1", "source": "test", "kind": "workshop", "title": "Møde", "date": "2014-01-01"}
    )
    assert to_properties(person)["searchName"] == "soren aerenlund"
    assert to_properties(event)["searchName"] == "mode"


def test_nodes_carry_their_folded_texts_in_every_language() -> None:
    cluster = Cluster.model_validate(
        {
            "id": "c-1",
            "source": "test",
            "name": "Ærø Klynge",
            "country": "DK",
            "specialties": ["Fjernvarme"],
            "technologies": ["Wärmepumpen"],
            "description": {"de": "Straße", "en": "Road"},
        }
    )
    assert to_properties(cluster)["searchText"] == "aero klynge fjernvarme warmepumpen strasse road"


def test_search_words_are_folded_letters_and_digits_only() -> None:
    assert words('Gesundheit* | "(@Sønderborg:{x})" -e-Health 2014') == [
        "gesundheit",
        "sonderborg",
        "x",
        "e",
        "health",
        "2014",
    ]


def test_a_word_brings_its_stems_in_three_languages() -> None:
    assert stems("gesundheit") == {"gesundheit", "gesund"}
    assert stems("klyngen") == {"klyngen", "klyng"}
    assert stems("energy") == {"energy", "energi"}


def test_sector_and_topic_names_translate_single_words() -> None:
    health = {
        "id": "s",
        "source": "t",
        "name": "Health",
        "labelsDe": "Gesundheit",
        "labelsDa": "Sundhed",
    }
    topic = {"id": "t", "source": "t", "name": "Open innovation", "labelsDe": "Offene Innovation"}
    vocabulary = translations([{"label": "Sector", "n": health}, {"label": "Topic", "n": topic}])
    assert vocabulary == [{"health", "gesundheit", "sundhed"}]
    assert alternatives("gesundheit", vocabulary) == [
        "gesund",
        "gesundheit",
        "health",
        "sund",
        "sundh",
        "sundhed",
    ]


def test_each_engine_gets_the_query_in_its_syntax() -> None:
    groups = [["energi", "energy"], ["klynge"]]
    assert FALKORDB.fulltext_query(groups) == "(energi|energi*|energy|energy*) (klynge|klynge*)"
    assert NEO4J.fulltext_query(groups) == "+(energi energi* energy energy*) +(klynge klynge*)"
    with pytest.raises(ValueError, match="not a search word"):
        NEO4J.fulltext_query([["a:b"]])


def test_neo4j_gets_a_named_fulltext_index_and_query() -> None:
    target = NodeProperty(label=Label.CLUSTER, property="searchText")
    assert NEO4J.fulltext_index(target) == (
        "CREATE FULLTEXT INDEX fulltext_Cluster IF NOT EXISTS FOR (n:Cluster) "
        "ON EACH [n.searchText] OPTIONS {indexConfig: {`fulltext.analyzer`: "
        "'standard-no-stop-words'}}"
    )
    assert NEO4J.fulltext_search(Label.CLUSTER) == (
        "CALL db.index.fulltext.queryNodes('fulltext_Cluster', $query) YIELD node, score"
    )


def test_people_carry_a_family_name_key_and_clusters_their_offers_folded() -> None:
    person = Person.model_validate(
        {
            "id": "p-1",
            "source": "test",
            "givenName": "Søren",
            "familyName": "Ærenlund",
            "country": "DK",
            "consent": {"basis": "consent", "date": "2020-01-01"},
        }
    )
    cluster = Cluster.model_validate(
        {
            "id": "c-1",
            "source": "test",
            "name": "Klynge",
            "country": "DK",
            "specialties": ["Fjernvarme"],
            "services": ["Rådgivning  og test"],
            "technologies": ["Wärmepumpen"],
        }
    )
    assert to_properties(person)["sortFamilyName"] == "aerenlund soren"
    assert to_properties(cluster)["searchSpecialties"] == [
        "fjernvarme",
        "radgivning og test",
        "warmepumpen",
    ]


def _fold_by_the_rule(text: str) -> str:
    """``fold`` as its rule says, without the ASCII shortcut or the cache."""
    letters: dict[str, str | int | None] = {"ø": "o", "æ": "ae", "œ": "oe"}
    lowered = text.casefold().translate(str.maketrans(letters))
    decomposed = unicodedata.normalize("NFKD", lowered)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@given(st.text(alphabet=string.printable + "ÆØÅæøåÄÖÜäöüßéè \u00a0", max_size=40))
def test_fold_of_ascii_and_of_other_text_follows_one_rule(text: str) -> None:
    assert fold(text) == _fold_by_the_rule(text)
    assert fold(text) == fold(text)  # the remembered answer is the same
