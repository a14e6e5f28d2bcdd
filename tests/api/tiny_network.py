"""A hand-built network small enough to know every answer: two countries, dated events,
interactions and initiatives, one project."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from crm.config import load_settings
from tests.api.conftest import Api, serve
from tests.conftest import load_files

CONSENT = {"basis": "legitimate_interests", "date": "2012-01-01"}


def _person(record_id: str, name: str, country: str) -> dict[str, Any]:
    given, family = name.split()
    return {
        "id": record_id,
        "givenName": given,
        "familyName": family,
        "country": country,
        "consent": CONSENT,
    }


def network() -> dict[str, Any]:
    """Anna (DE) and Bo (DK) meet across the border in 2013 and 2014, Anna and Carl (both DE)
    in 2013; a 2013 workshop (Anna, Bo; topic Energy) and a 2014 conference (Carl; 100
    reported), both organised by project P (2012-2014); initiative I emerged from the
    conference, J (started 2015) from the workshop, with partners Nordklynge (DK) and Südwerk."""
    return {
        "nodes": {
            "Person": [
                _person("anna", "Anna Alt", "DE"),
                _person("bo", "Bo Berg", "DK"),
                _person("carl", "Carl Cord", "DE"),
            ],
            "Cluster": [{"id": "nordklynge", "name": "Nordklynge", "country": "DK"}],
            "Organization": [
                {"id": "suedwerk", "name": "Südwerk", "kind": "company", "country": "DE"}
            ],
            "Sector": [{"id": "s-energy", "name": "Energy"}],
            "Topic": [{"id": "t-heat", "name": "District heating"}],
            "Event": [
                {
                    "id": "w",
                    "kind": "workshop",
                    "title": "Workshop",
                    "date": "2013-03-01",
                    "place": "Sønderborg",
                    "country": "DK",
                },
                {
                    "id": "c",
                    "kind": "conference",
                    "title": "Conference",
                    "date": "2014-09-01",
                    "reportedAttendance": 100,
                },
            ],
            "Project": [
                {
                    "id": "p",
                    "name": "P",
                    "programme": "Interreg",
                    "fund": "ERDF",
                    "periodStart": 2012,
                    "periodEnd": 2014,
                    "totalInvestmentEur": 1000,
                    "euContributionEur": 600,
                }
            ],
            "Initiative": [
                {"id": "i", "name": "I", "status": "idea"},
                {"id": "j", "name": "J", "status": "active", "startedOn": "2015-01-01"},
            ],
        },
        "relationships": {
            "INTERACTED": [
                {"id": "x1", "from": "anna", "to": "bo", "kind": "meeting", "date": "2013-05-01"},
                {"id": "x2", "from": "bo", "to": "anna", "kind": "call", "date": "2014-02-01"},
                {"id": "x3", "from": "anna", "to": "carl", "kind": "email", "date": "2013-06-01"},
            ],
            "ATTENDED": [
                {"from": "anna", "to": "w"},
                {"from": "bo", "to": "w"},
                {"from": "carl", "to": "c"},
            ],
            "WORKS_AT": [
                {
                    "from": "anna",
                    "to": "suedwerk",
                    "toLabel": "Organization",
                    "role": "CEO",
                    "since": "2010-01-01",
                },
                {"from": "bo", "to": "nordklynge", "toLabel": "Cluster", "since": "2014-01-01"},
            ],
            "ORGANIZED": [{"from": "p", "to": "w"}, {"from": "p", "to": "c"}],
            "COVERED": [{"from": "w", "to": "t-heat"}],
            "EMERGED_FROM": [{"from": "i", "to": "c"}, {"from": "j", "to": "w"}],
            "PARTNER_IN": [
                {"from": "nordklynge", "fromLabel": "Cluster", "to": "j", "role": "lead"},
                {"from": "suedwerk", "fromLabel": "Organization", "to": "j"},
            ],
            "ACTIVE_IN": [
                {"from": "nordklynge", "fromLabel": "Cluster", "to": "s-energy"},
                {"from": "suedwerk", "fromLabel": "Organization", "to": "s-energy"},
                {"from": "i", "fromLabel": "Initiative", "to": "s-energy"},
            ],
        },
    }


def serve_network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("tiny-network")
    document = folder / "network.json"
    document.write_text(json.dumps(network()), encoding="utf-8")
    settings = load_settings(data_dir=folder / "crm-data")
    load_files(settings, document)
    yield from serve(settings)
