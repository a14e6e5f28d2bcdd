"""Erasure as its promises read: no byte of the erased person stays in the data folder, and no
figure changes, not even those that depend on the day asked about."""

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crm.api.ids import global_id
from crm.domain import Label
from crm.graph.store import GraphStore
from graph_loader.datasets import INTRANET
from tests.api.conftest import Api, serve_demo, serve_loaded
from tests.api.direct import on_store
from tests.conftest import ENGINES, engine_settings

ERASE = """mutation($p: ID!) { erasePerson(person: $p, reason: "art. 17 request") {
  placeholder { recordId } movedTies errors { code message } } }"""

# --- nothing left on disk ---------------------------------------------------------------------

CREATE = """mutation($input: PersonInput!) { createPerson(input: $input) {
  person { id } errors { code message } } }"""
UPDATE = """mutation($id: ID!, $input: PersonPatch!) { updatePerson(id: $id, input: $input) {
  errors { code message } } }"""
WORK = """mutation($p: ID!) { linkWorksAt(from: $p, to: "org-platzhalter-klinikum-nord",
  properties: {role: "Qxvraduct Lead", since: "2011-03-04"}) { errors { code } } }"""
RECORD = """mutation($from: ID!, $to: ID!, $i: InteractionInput!) {
  recordInteraction(from: $from, to: $to, interaction: $i) { errors { code message } } }"""
SECRET: dict[str, Any] = {
    "recordId": "p-qxv-erasable-7c1f",
    "givenName": "Qxvilda",
    "familyName": "Zørnbøttel",
    "title": "Qxv-Titel-7c1f",
    "country": "DE",
    "email": "qxv.first-7c1f@erasure.example",
    "phone": "+49 30 23125 737",
    "consent": {"basis": "CONSENT", "date": "2020-02-01"},
}
CHANGED_EMAIL = "qxv.second-7c1f@erasure.example"
NOTE = "qxv note 7c1f: private matter"


@pytest.fixture
def erasable(tmp_path: Path) -> Iterator[tuple[Api, Path]]:
    """The API over the demo, on the embedded engine in a data folder of this test's own."""
    settings = engine_settings("falkordb", tmp_path / "crm-data")
    for api in serve_loaded("falkordb", settings, INTRANET):
        yield api, settings.data_dir


def held(folder: Path, needles: dict[str, bytes]) -> dict[str, list[str]]:
    """For each needle, the files under ``folder`` (any depth, read as bytes) that hold it."""
    found: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_socket():
            continue
        content = path.read_bytes()
        for name, needle in needles.items():
            if needle in content:
                found.setdefault(name, []).append(str(path.relative_to(folder)))
    return found


def test_an_erased_person_leaves_no_byte_in_the_data_folder(
    erasable: tuple[Api, Path], caplog: pytest.LogCaptureFixture
) -> None:
    api, folder = erasable
    caplog.set_level(logging.DEBUG)
    created = api.data(CREATE, {"input": SECRET})["createPerson"]
    assert created["errors"] == []
    person = created["person"]["id"]
    changed = api.data(UPDATE, {"id": person, "input": {"email": CHANGED_EMAIL}})
    assert changed["updatePerson"]["errors"] == []
    assert api.data(WORK, {"p": person})["linkWorksAt"]["errors"] == []
    interaction = {"recordId": "i-qxv-7c1f", "kind": "MEETING", "date": "2021-02-03", "note": NOTE}
    recorded = api.data(RECORD, {"from": person, "to": "p-michael-nedergaard", "i": interaction})
    assert recorded["recordInteraction"]["errors"] == []
    needles = {
        "id": str(SECRET["recordId"]).encode(),
        "global id": person.encode(),
        "given name": str(SECRET["givenName"]).encode(),
        "family name": str(SECRET["familyName"]).encode(),
        "folded name": b"zornbottel",
        "title": str(SECRET["title"]).encode(),
        "e-mail": str(SECRET["email"]).encode(),
        "changed e-mail": CHANGED_EMAIL.encode(),
        "phone": b"+493023125737",
        "note": NOTE.encode(),
        "role": b"Qxvraduct Lead",
    }
    # the grep can see them: before the erasure, the engine's files hold every one
    assert set(held(folder, needles)) == set(needles)

    erased = api.data(ERASE, {"p": person})["erasePerson"]

    assert erased["errors"] == []
    assert erased["movedTies"] == 2
    assert held(folder, needles) == {}  # once the mutation has answered
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [name for name, needle in needles.items() if needle.decode() in logged]


# --- every figure stays -----------------------------------------------------------------------

ERASED = "p-maren-beispielfeld"
"""Two jobs, one ended in 2012 and one begun then (every interaction of hers falls in the second),
interactions in Germany and across the border, six events."""
DAYS = [None, "2012-03-01", "2013-01-01", "2014-01-01", "2015-06-01"]
"""Today, between her two jobs, and days on which her interactions count in part."""
EMPLOYERS = ["org-platzhalter-klinikum-nord", "org-platzhalter-freizeitwelt"]

PERSON = "recordId"
ORGANIZATION = "recordId name"
BROKER = f"score bridged person {{ {PERSON} }} organization {{ {ORGANIZATION} }} "
BROKERS = f"""query($asOf: Date) {{
  people: brokers(first: 200, asOf: $asOf) {{ {BROKER} }}
  peopleAcross: brokers(first: 200, crossBorder: true, asOf: $asOf) {{ {BROKER} }}
  organizations: brokers(first: 100, organizations: true, asOf: $asOf) {{ {BROKER} }}
  organizationsAcross: brokers(first: 100, organizations: true, crossBorder: true,
    asOf: $asOf) {{ {BROKER} }} }}"""
BORDER = f"""query($asOf: Date) {{ crossBorderTies(first: 1000, asOf: $asOf) {{
  totalCount interactions byYear {{ year interactions newTies }} bySectorPair {{ sectors ties }}
  nodes {{ a {{ {PERSON} }} b {{ {PERSON} }} interactions firstContact lastContact }} }}
  meetings: crossBorderTies(first: 1000, kind: MEETING, asOf: $asOf) {{ totalCount
    bySectorPair {{ sectors ties }} }} }}"""
GAPS = f"""query($asOf: Date) {{
  communities(first: 100, members: 100, asOf: $asOf) {{ size connected
    countries {{ dk de other }} members {{ recordId }} }}
  unmetClusters(asOf: $asOf) {{ first {{ recordId }} second {{ recordId }} sectors }}
  lonelyAlu: lonelyMembers(cluster: "alucluster", asOf: $asOf) {{
    organization {{ {ORGANIZATION} }} people }}
  lonelyCare: lonelyMembers(cluster: "cl-platzhalter-pflege", asOf: $asOf) {{
    organization {{ {ORGANIZATION} }} people }}
  lonelyTourism: lonelyMembers(cluster: "cl-erfundenau-tourismus", asOf: $asOf) {{
    organization {{ {ORGANIZATION} }} people }}
  partnersOfNew: suggestedPartners(organization: "{EMPLOYERS[0]}", first: 100, asOf: $asOf) {{
    organization {{ recordId }} score reasons }}
  partnersOfOld: suggestedPartners(organization: "{EMPLOYERS[1]}", first: 100, asOf: $asOf) {{
    organization {{ recordId }} score reasons }} }}"""
STATS = """query($asOf: Date) { stats(asOf: $asOf) { asOf
  totals { clusters organizations people events initiatives projects topics sectors regions
    documents interactions crossBorderInteractions }
  byCountry { country clusters organizations people }
  bySector { sector { recordId } clusters organizations initiatives projects }
  byCountryAndSector { sector { recordId } country clusters organizations }
  eventsByYear { year events attendance recordedAttendees }
  crossBorderInteractionsByYear { year interactions }
  funding { programme fund projects totalInvestmentEur euContributionEur cofinancingRate
    events eventsByKind { kind events attendance } attendance initiatives } }
  project(id: "intranet") { impact { workshops networkMeetings conferences initiatives
    conferenceAttendees topics sectors totalInvestmentEur euContributionEur cofinancingRate } } }"""
TIES = f"""query($asOf: Date) {{
  colleague: person(id: "p-frauke-erfundenberg") {{ ties(first: 100, asOf: $asOf) {{
    person {{ {PERSON} }} strength lastContact crossesBorder evidence {{
      interactions {{ kind count }} events {{ title }} organizations initiatives }} }} }}
  across: person(id: "p-birgitte-demoholm") {{ ties(first: 100, asOf: $asOf) {{
    person {{ {PERSON} }} strength lastContact crossesBorder }} }}
  paths: introductionPaths(from: "p-dirk-fiktivberg", to: "p-birgitte-demoholm", maxHops: 4,
    first: 20, asOf: $asOf) {{ score crossesBorder borderCrossings hops {{ person {{ {PERSON} }}
    organization country strength crossesBorder }} }} }}"""
# Interactions between two organisations, counted where each person worked there on the day of
# the interaction (jobs from `since` to `until`, open ends count): what the date-aware figures
# are made of.
_BETWEEN_ORGANISATIONS = """
MATCH (x)<-[wa:WORKS_AT]-(:Person)-[i:INTERACTED]->(:Person)-[wb:WORKS_AT]->(y)
WHERE coalesce(wa.since, '') <= i.date AND coalesce(wa.until, i.date) >= i.date
  AND coalesce(wb.since, '') <= i.date AND coalesce(wb.until, i.date) >= i.date
RETURN x.id AS x, y.id AS y, count(i) AS interactions ORDER BY x, y
"""


def network_answers(api: Api) -> dict[str, Any]:
    """Every network answer and figure, on each of ``DAYS``."""
    answers: dict[str, Any] = {}
    for day in DAYS:
        for name, document in (
            ("brokers", BROKERS),
            ("border", BORDER),
            ("gaps", GAPS),
            ("stats", STATS),
            ("ties", TIES),
        ):
            answers[f"{name} as of {day}"] = api.data(document, {"asOf": day})
    answers["between organisations"] = on_store(
        api, lambda store: store.read(_BETWEEN_ORGANISATIONS)
    )
    return answers


def renamed(answers: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """``answers`` with the record id ``old`` read as ``new`` (an erased person's placeholder
    stands where they stood)."""
    text = json.dumps(answers, sort_keys=True).replace(json.dumps(old), json.dumps(new))
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def figures(value: Any) -> Any:
    """What an answer says, apart from what the placeholder's new id orders differently: lists
    as multisets (rows of equal rank are ordered by id), the ends of a cross-border pair in
    either order (``a`` is the smaller id), and scores to nine digits (betweenness adds its
    terms in an order that follows the ids)."""
    match value:
        case float():
            return float(f"{value:.9g}")
        case dict() if {"a", "b"} <= value.keys():
            pair = sorted([figures(value["a"]), figures(value["b"])], key=_canonical)
            return {key: figures(item) for key, item in value.items()} | {
                "a": pair[0],
                "b": pair[1],
            }
        case dict():
            return {key: figures(item) for key, item in value.items()}
        case list():
            return sorted((figures(item) for item in value), key=_canonical)
        case _:
            return value


@pytest.fixture(params=ENGINES)
def demo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Api]:
    """The API over a copy of the demo of this test's own."""
    yield from serve_demo(request, tmp_path)


async def jobs_of(store: GraphStore, person: str) -> list[dict[str, Any]]:
    return await store.read(
        "MATCH (:Person {id: $id})-[w:WORKS_AT]->(o) "
        "RETURN o.id AS organization, w.since AS since, w.until AS until, w.role AS role "
        "ORDER BY organization",
        {"id": person},
    )


def test_erasure_changes_no_network_answer_on_any_day(demo: Api) -> None:
    before = network_answers(demo)
    jobs = on_store(demo, lambda store: jobs_of(store, ERASED))
    assert [job["organization"] for job in jobs] == sorted(EMPLOYERS)
    assert all(job["since"] and job["role"] for job in jobs)
    assert ERASED in json.dumps(before)  # she is among the answers, to be replaced

    erased = demo.data(ERASE, {"p": global_id(Label.PERSON, ERASED)})["erasePerson"]
    assert erased["errors"] == []
    placeholder = erased["placeholder"]["recordId"]

    kept = on_store(demo, lambda store: jobs_of(store, placeholder))
    assert kept == [job | {"role": None} for job in jobs]  # the dates stay, the roles go
    after = network_answers(demo)
    assert ERASED not in json.dumps(after)
    expected = figures(renamed(before, ERASED, placeholder))
    after = figures(after)
    differing = [name for name in expected if expected[name] != after[name]]
    assert not differing, {name: (expected[name], after[name]) for name in differing}
