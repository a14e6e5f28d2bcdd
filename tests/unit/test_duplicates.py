"""Duplicate scoring and blocking, and the duplicates the generator plants."""

import csv
from pathlib import Path

from crm.domain.duplicates import NAME_OFFSET, Candidate, candidate_pairs, find_duplicates
from graph_loader.synthetic import SIZES
from graph_loader.synthetic.duplicates import SOURCE_FOLDER, TRUTH_FILE
from graph_loader.synthetic.generate import write_dataset
from tests.synthetic_specs import TINY


def org(record_id: str, name: str, **facts: str) -> Candidate:
    return Candidate(record_id, name, facts={"country": "DK"} | facts)


def test_a_legal_form_variant_in_one_city_is_a_candidate_with_reasons() -> None:
    records = [
        org("a", "Sønderborg Energi ApS", city="Sønderborg"),
        org("b", "Soenderborg Energi A/S", city="Sønderborg"),
        org("c", "Aabenraa Fjernvarme", city="Aabenraa"),
    ]

    [pair] = find_duplicates(records, offset=NAME_OFFSET["Organization"])

    assert (pair.a, pair.b) == ("a", "b")
    assert pair.score >= 0.8
    assert pair.reasons == (
        "names equal after folding: 'soenderborg energi'",
        "the same city: Sønderborg",
    )


def test_a_typo_is_a_letter_apart_and_another_number_another_organisation() -> None:
    records = [
        org("a", "Probefeld Tourismus Kiel GmbH", city="Kiel"),
        org("b", "Probefeld Touismus Kiel GmbH", city="Kiel"),
        org("c", "Probefeld Tourismus Kiel 2 GmbH", city="Kiel"),
    ]

    pairs = find_duplicates(records, offset=NAME_OFFSET["Organization"])

    assert [(p.a, p.b) for p in pairs] == [("a", "b")]
    assert "names 1 letter apart" in pairs[0].reasons


def test_a_different_vat_id_or_website_outweighs_a_similar_name() -> None:
    records = [
        Candidate("a", "Grenzwerk GmbH", {"vatId": "DE136695976"}, facts={"country": "DE"}),
        Candidate("b", "Grenzwerk AG", {"vatId": "DE812526315"}, facts={"country": "DE"}),
    ]
    assert find_duplicates(records, offset=NAME_OFFSET["Organization"]) == []


def test_people_need_more_than_a_name() -> None:
    alone = [
        Candidate("a", "Jens Holm", facts={"country": "DK"}),
        Candidate("b", "Jens Holm", facts={"country": "DK"}),
    ]
    assert find_duplicates(alone, offset=NAME_OFFSET["Person"]) == []

    same_address = [
        Candidate("a", "Jürgen Groß", {"email": "jg@x.example"}, facts={"country": "DE"}),
        Candidate("b", "Juergen Gross", {"email": "jg@x.example"}, facts={"country": "DE"}),
    ]
    [pair] = find_duplicates(same_address, offset=NAME_OFFSET["Person"])
    assert pair.score == 1.0
    assert pair.reasons[0] == "the same e-mail address"


def test_records_sharing_no_block_are_not_compared() -> None:
    records = [org("a", "Alpha Energi"), org("b", "Omega Varme"), org("c", "Alpha Energi ApS")]
    assert sorted(candidate_pairs(records)) == [(0, 2)]


def test_the_generator_plants_duplicates_and_writes_the_truth(tmp_path: Path) -> None:
    dataset = write_dataset(TINY, tmp_path, seed=3, duplicates=0.05)

    with (tmp_path / TRUTH_FILE).open(encoding="utf-8") as file:
        truth = list(csv.DictReader(file, delimiter="\t"))
    people: dict[str, dict[str, str]] = {}
    for folder in (tmp_path, tmp_path / SOURCE_FOLDER):
        with (folder / "Person.csv").open(encoding="utf-8") as file:
            people |= {row["id"]: row for row in csv.DictReader(file)}
    planted = [row for row in truth if row["label"] == "Person"]
    assert len(planted) == round(TINY.people * 0.05)
    assert dataset.nodes["Person"] == TINY.people
    assert dataset.planted is not None
    assert dataset.planted.people == len(planted)
    for row in planted:
        original, duplicate = people[row["original"]], people[row["duplicate"]]
        assert duplicate["id"].startswith("syn-pd-")
        assert (original["givenName"], original["familyName"]) != (
            duplicate["givenName"],
            duplicate["familyName"],
        ) or original["email"] != duplicate["email"]
    assert {row["label"] for row in truth} == {"Person", "Organization"}
    assert SIZES["small"].people > TINY.people
