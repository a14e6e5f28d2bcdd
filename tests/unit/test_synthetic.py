"""The generator: deterministic by seed, heavy-tailed, with a realistic share of cross-border
ties, and its files in the loader's format."""

import csv
import statistics
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from graph_loader.readers import read_csv_folder
from graph_loader.synthetic import generate, write_dataset
from graph_loader.synthetic.names import combination, organization_name
from graph_loader.synthetic.vocabulary import PLACES, SECTORS
from tests.synthetic_specs import QUARTER, TINY

"""2,000 people and 7,500 interactions: enough for the shape of the degree distribution."""


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("network")
    write_dataset(QUARTER, folder, seed=7)
    return folder


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    first = write_dataset(TINY, tmp_path / "first", seed=11)
    second = write_dataset(TINY, tmp_path / "second", seed=11)

    assert _files(first.path) == _files(second.path)
    assert replace(second, path=first.path) == first


def test_another_seed_gives_another_network(tmp_path: Path) -> None:
    first = _files(write_dataset(TINY, tmp_path / "first", seed=1).path)
    second = _files(write_dataset(TINY, tmp_path / "second", seed=2).path)

    assert first.keys() == second.keys()
    assert first["INTERACTED.csv"] != second["INTERACTED.csv"]
    assert first["Person.csv"] != second["Person.csv"]


def test_the_counts_are_those_of_the_files(tmp_path: Path) -> None:
    dataset = write_dataset(TINY, tmp_path, seed=7)

    for name, count in (dataset.nodes | dataset.relationships).items():
        assert len(_rows(tmp_path, name)) == count, name
    assert dataset.nodes["Person"] == TINY.people
    assert dataset.relationships["INTERACTED"] == TINY.interactions
    assert dataset.node_total == sum(dataset.nodes.values())
    assert dataset.relationship_total == sum(dataset.relationships.values())


def test_the_reader_takes_every_file_without_a_problem(tmp_path: Path) -> None:
    dataset = write_dataset(TINY, tmp_path, seed=7)

    raw = read_csv_folder(tmp_path)

    assert raw.problems == []
    assert len(raw.records) == dataset.node_total + dataset.relationship_total


def test_interactions_have_a_heavy_tailed_degree_distribution(network: Path) -> None:
    degrees = Counter[str]()
    for row in _rows(network, "INTERACTED"):
        degrees[row["from"]] += 1
        degrees[row["to"]] += 1

    ranked = sorted(degrees.values())
    median = statistics.median(ranked)
    top_percent = sum(ranked[-len(ranked) // 100 :]) / sum(ranked)

    assert ranked[-1] >= 20 * median  # a few brokers
    assert median <= 8  # most people have few ties
    assert top_percent >= 0.08  # the top 1% hold a large share of all ties


def test_about_a_fifth_of_interactions_cross_the_border(network: Path) -> None:
    country = {row["id"]: row["country"] for row in _rows(network, "Person")}
    interactions = _rows(network, "INTERACTED")

    crossing = sum(country[row["from"]] != country[row["to"]] for row in interactions)

    assert 0.15 <= crossing / len(interactions) <= 0.25


def test_both_countries_have_clusters_organisations_and_people(network: Path) -> None:
    for label in ("Cluster", "Organization", "Person"):
        countries = Counter(row["country"] for row in _rows(network, label))
        assert set(countries) == {"DK", "DE"}, label
        assert min(countries.values()) >= 0.3 * sum(countries.values()), label


def test_popular_events_are_much_bigger_than_the_typical_one(network: Path) -> None:
    sizes = sorted(Counter(row["to"] for row in _rows(network, "ATTENDED")).values())

    assert sizes[-1] >= 5 * statistics.median(sizes)


def test_some_people_changed_jobs(network: Path) -> None:
    jobs = _rows(network, "WORKS_AT")
    per_person = Counter(row["from"] for row in jobs)

    ended = [row for row in jobs if row["until"]]
    assert 0.1 * len(per_person) <= len(ended) <= 0.6 * len(per_person)
    assert max(per_person.values()) >= 2
    assert all(row["since"] < row["until"] for row in ended)


def test_organisation_names_are_distinct(network: Path) -> None:
    names = [row["name"] for row in _rows(network, "Organization")]

    assert len(set(names)) == len(names)


def test_combinations_visit_every_choice_once_then_number_the_repeats() -> None:
    radices = (3, 4, 5)
    seen = {tuple(combination(k, radices, start=17)[0]) for k in range(60)}

    assert len(seen) == 60
    assert combination(60, radices, start=17) == (combination(0, radices, start=17)[0], 1)


def test_an_organisations_name_says_where_it_is() -> None:
    flensburg = next(place for place in PLACES if place.city == "Flensburg")

    name = organization_name(flensburg, "company", SECTORS[0], 0)

    assert name.endswith(" Flensburg GmbH")
    assert organization_name(flensburg, "company", SECTORS[0], 1) != name


def test_an_unknown_size_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="small, medium, large"):
        generate("huge", tmp_path)

    assert not list(tmp_path.iterdir())


def test_interreg_projects_lie_on_both_sides_of_the_border(network: Path) -> None:
    region_country = {row["id"]: row["country"] for row in _rows(network, "Region")}
    interreg = {row["id"] for row in _rows(network, "Project") if "Interreg" in row["programme"]}
    sides: dict[str, set[str]] = {}
    for row in _rows(network, "LOCATED_IN"):
        if row["from"] in interreg:
            sides.setdefault(row["from"], set()).add(region_country[row["to"]])

    assert interreg
    assert all(sides[project] == {"DK", "DE"} for project in interreg)


def test_a_new_dataset_replaces_an_earlier_one_and_keeps_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("mine\n", encoding="utf-8")
    (tmp_path / "Person.csv").write_text("id\nstale\n", encoding="utf-8")

    dataset = write_dataset(TINY, tmp_path, seed=7)

    assert (tmp_path / "notes.csv").read_text(encoding="utf-8") == "mine\n"
    assert len(_rows(tmp_path, "Person")) == dataset.nodes["Person"]


def test_people_take_part_only_from_the_year_of_their_first_job(network: Path) -> None:
    joined: dict[str, int] = {}
    for row in _rows(network, "WORKS_AT"):
        joined[row["from"]] = min(joined.get(row["from"], 9999), int(row["since"][:4]))
    event_year = {row["id"]: int(row["date"][:4]) for row in _rows(network, "Event")}

    for row in _rows(network, "ATTENDED"):
        assert joined[row["from"]] <= max(event_year[row["to"]], 2008), row
    for row in _rows(network, "INTERACTED"):
        year = int(row["date"][:4])
        assert max(joined[row["from"]], joined[row["to"]]) <= max(year, 2008), row
