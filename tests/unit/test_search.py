import pytest

from crm.domain.nodes import Event, Person
from crm.domain.search import fold
from crm.graph.properties import to_properties


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
