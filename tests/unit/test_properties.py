"""The codec between domain records and graph properties."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from crm.domain import NODE_MODELS, Label, Node
from crm.domain.nodes import Cluster, Organization, Person, Project
from crm.domain.relationships import Interacted, WorksAt
from crm.domain.values import Model
from crm.graph.properties import from_properties, property_names, timestamps, to_properties

TEXTS = {"de": "Ein Text", "da": "En tekst", "en": "A text"}

RICH: dict[Label, dict[str, Any]] = {
    Label.CLUSTER: {
        "id": "alucluster",
        "source": "article: InTra-Net",
        "name": "AluCluster",
        "country": "DK",
        "specialties": ["aluminium", "surface treatment"],
        "services": ["matchmaking"],
        "technologies": ["anodising", "casting"],
        "description": TEXTS,
        "contact": {
            "email": "info@alucluster.example",
            "phone": "+45 33 12 34 56",
            "website": "https://alucluster.example/",
            "address": "Havnegade 1, 6400 Sønderborg",
        },
    },
    Label.ORGANIZATION: {
        "id": "o-1",
        "source": "s",
        "name": "Firma GmbH",
        "kind": "company",
        "country": "DE",
        "city": "Flensburg",
        "vatId": "DE136695976",
        "website": "https://firma.example/",
        "description": {"de": "Eine Firma"},
    },
    Label.PERSON: {
        "id": "p-anna",
        "source": "synthetic",
        "givenName": "Anna",
        "familyName": "Mustermann",
        "title": "Dr.",
        "country": "DE",
        "email": "anna@firma.example",
        "phone": "+493023125123",
        "languages": ["de", "da"],
        "consent": {"basis": "legitimate_interests", "date": "2014-05-02"},
    },
    Label.EVENT: {
        "id": "e-1",
        "source": "s",
        "kind": "network_meeting",
        "title": "Netzwerktreffen",
        "date": "2014-03-11",
        "place": "Kolding",
        "country": "DK",
        "reportedAttendance": 171,
        "description": {"da": "Et møde", "en": "A meeting"},
    },
    Label.INITIATIVE: {
        "id": "i-1",
        "source": "s",
        "name": "Joint purchasing",
        "description": TEXTS,
        "status": "start_up",
        "startedOn": "2015-01-31",
    },
    Label.PROJECT: {
        "id": "pr-1",
        "source": "s",
        "name": "InTra-Net",
        "programme": "Interreg IV A Syddanmark-Schleswig-K.E.R.N.",
        "fund": "ERDF",
        "periodStart": 2007,
        "periodEnd": 2013,
        "totalInvestmentEur": "1234567.89",
        "euContributionEur": "0.10",
        "description": {"en": "A project"},
    },
    Label.TOPIC: {"id": "t-1", "source": "s", "name": "Aluminium", "labels": TEXTS},
    Label.SECTOR: {"id": "s-1", "source": "s", "name": "Metal", "labels": {"da": "Metal"}},
    Label.REGION: {
        "id": "r-1",
        "source": "s",
        "name": "Syddanmark",
        "country": "DK",
        "labels": {"de": "Süddänemark", "en": "Southern Denmark"},
    },
    Label.DOCUMENT: {
        "id": "d-1",
        "source": "s",
        "kind": "case_study",
        "title": "Final report",
        "languages": ["de", "da", "en"],
        "publishedOn": "2015-12-16",
        "url": "https://docs.example/report.pdf",
        "description": {"en": "What we learned"},
    },
}

RICH_NODES: list[Node] = [NODE_MODELS[label].model_validate(RICH[label]) for label in Label]
RICH_TIES: list[Model] = [
    WorksAt.model_validate(
        {"source": "s", "role": "project manager", "since": "2012-01-01", "until": "2014-12-31"}
    ),
    Interacted.model_validate(
        {"source": "s", "id": "i-0001", "kind": "meeting", "date": "2014-03-11", "note": "Kaffe"}
    ),
]
RICH_RECORDS: list[Model] = [*RICH_NODES, *RICH_TIES]
STAMPED = Person.model_validate(
    {
        **RICH[Label.PERSON],
        "createdAt": datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
        "updatedAt": datetime(2024, 2, 3, 4, 5, 6, 789000, tzinfo=UTC),
    }
)


def _name(record: Model) -> str:
    return type(record).__name__


def test_rich_records_cover_every_label() -> None:
    assert [type(record).label for record in RICH_NODES] == list(Label)


@pytest.mark.parametrize("record", RICH_RECORDS, ids=_name)
def test_round_trip_gives_the_original_record(record: Model) -> None:
    assert from_properties(type(record), to_properties(record)) == record


@pytest.mark.parametrize("record", RICH_RECORDS, ids=_name)
def test_properties_are_scalars_or_lists_of_scalars(record: Model) -> None:
    scalars = (str, int, bool, type(None))
    for value in to_properties(record).values():
        items = value if isinstance(value, list) else [value]
        assert all(isinstance(item, scalars) for item in items), value


def test_round_trip_keeps_timestamps_given_with_the_properties() -> None:
    properties = {**to_properties(STAMPED), **timestamps(STAMPED)}
    assert from_properties(Person, properties) == STAMPED


@pytest.mark.parametrize(
    ("amount", "cents"),
    [("1234567.89", 123456789), ("0.10", 10), ("0.1", 10), ("7", 700), ("0", 0)],
)
def test_money_is_stored_as_integer_cents(amount: str, cents: int) -> None:
    project = Project.model_validate({**RICH[Label.PROJECT], "euContributionEur": amount})
    properties = to_properties(project)
    assert properties["euContributionEurCents"] == cents
    assert type(properties["euContributionEurCents"]) is int
    assert "euContributionEur" not in properties
    assert from_properties(Project, properties).eu_contribution_eur == Decimal(amount)


@pytest.mark.parametrize(
    ("label", "stored"),
    [
        (
            Label.CLUSTER,
            {
                "descriptionDe": "Ein Text",
                "descriptionDa": "En tekst",
                "descriptionEn": "A text",
                "contactEmail": "info@alucluster.example",
                "contactPhone": "+4533123456",
                "contactWebsite": "https://alucluster.example/",
                "contactAddress": "Havnegade 1, 6400 Sønderborg",
                "specialties": ["aluminium", "surface treatment"],
            },
        ),
        (
            Label.PERSON,
            {
                "givenName": "Anna",
                "consentBasis": "legitimate_interests",
                "consentDate": "2014-05-02",
                "languages": ["de", "da"],
            },
        ),
        (Label.EVENT, {"date": "2014-03-11", "kind": "network_meeting", "descriptionDe": None}),
        (
            Label.REGION,
            {"labelsDe": "Süddänemark", "labelsDa": None, "labelsEn": "Southern Denmark"},
        ),
        (Label.ORGANIZATION, {"vatId": "DE136695976", "website": "https://firma.example/"}),
    ],
)
def test_nested_fields_are_flattened_and_values_stored_as_text(
    label: Label, stored: dict[str, Any]
) -> None:
    properties = to_properties(NODE_MODELS[label].model_validate(RICH[label]))
    assert {name: properties[name] for name in stored} == stored


@pytest.mark.parametrize(
    ("record", "absent"),
    [
        (
            Cluster(id="c", source="s", name="C", country="DK"),
            [
                "descriptionDe",
                "descriptionDa",
                "descriptionEn",
                "contactEmail",
                "contactPhone",
                "contactWebsite",
                "contactAddress",
            ],
        ),
        (
            Organization.model_validate(
                {"id": "o", "source": "s", "name": "O", "kind": "company", "country": "DE"}
            ),
            ["city", "vatId", "website", "descriptionDe"],
        ),
        (
            Person.model_validate({**RICH[Label.PERSON], "title": None, "email": None}),
            ["title", "email"],
        ),
        (WorksAt(source="s"), ["role", "since", "until"]),
    ],
    ids=lambda value: _name(value) if isinstance(value, Model) else "",
)
def test_absent_optional_values_are_present_as_none(record: Model, absent: list[str]) -> None:
    properties = to_properties(record)
    assert {name: properties[name] for name in absent} == dict.fromkeys(absent)


def test_absent_nested_record_stays_absent_after_round_trip() -> None:
    cluster = Cluster.model_validate({**RICH[Label.CLUSTER], "description": None, "contact": None})
    assert from_properties(Cluster, to_properties(cluster)).contact is None


@pytest.mark.parametrize("record", [*RICH_RECORDS, STAMPED], ids=_name)
def test_property_names_lists_exactly_the_keys_to_properties_gives(record: Model) -> None:
    names = property_names(type(record))
    assert len(names) == len(set(names))
    assert set(names) == set(to_properties(record))


def test_timestamps_are_not_record_properties() -> None:
    properties = to_properties(STAMPED)
    assert "createdAt" not in properties
    assert "updatedAt" not in properties
    assert "createdAt" not in property_names(Person)


def test_timestamps_gives_created_and_updated_at_as_stored_text() -> None:
    assert timestamps(STAMPED) == {
        "createdAt": "2024-01-02T03:04:05.678Z",
        "updatedAt": "2024-02-03T04:05:06.789Z",
    }


def test_timestamps_of_a_new_record_are_none() -> None:
    assert timestamps(WorksAt(source="s", since=date(2012, 1, 1))) == {
        "createdAt": None,
        "updatedAt": None,
    }
