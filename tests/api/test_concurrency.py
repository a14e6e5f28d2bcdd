"""Concurrent requests through the real app on the real engine: every write persists once.

The requests come from threads through one test client, so the app serves them concurrently on
its event loop, each on a connection of the store's pool, as a server under load would."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString

from tests.api.conftest import Api
from tests.api.direct import on_store

RECORD = """mutation($from: ID!, $to: ID!, $i: InteractionInput!) {
  recordInteraction(from: $from, to: $to, interaction: $i) { interactionId outcome
  errors { code message } } }"""
CREATE = """mutation($input: PersonInput!) { createPerson(input: $input) {
  created person { recordId } errors { code message } } }"""
LINK = """mutation($from: ID!, $to: ID!) { linkAttended(from: $from, to: $to) {
  outcome errors { code message } } }"""
UNLINK = """mutation($from: ID!, $to: ID!) { unlinkAttended(from: $from, to: $to) {
  removed errors { code message } } }"""
A, B = "p-mette-eksempelsen", "p-michael-nedergaard"
EVENT = "ev-intranet-workshop-2"


def at_once(calls: list[Callable[[], dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run every call at the same time; their answers in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def count(api: Api, statement: LiteralString, **parameters: Any) -> int:
    rows = on_store(api, lambda store: store.read(statement, parameters))
    return int(rows[0]["n"])


def test_fifty_concurrent_interactions_all_persist(writable: Api) -> None:
    before = count(writable, "MATCH ()-[r:INTERACTED]->() RETURN count(r) AS n")
    answers = at_once(
        [
            lambda n=n: writable.data(  # type: ignore[misc]
                RECORD,
                {"from": A, "to": B, "i": {"kind": "CALL", "date": f"2020-01-{n % 28 + 1:02d}"}},
            )["recordInteraction"]
            for n in range(50)
        ]
    )
    assert all(answer["errors"] == [] for answer in answers), answers
    ids = {answer["interactionId"] for answer in answers}
    assert len(ids) == 50
    assert count(writable, "MATCH ()-[r:INTERACTED]->() RETURN count(r) AS n") == before + 50
    stored = count(
        writable,
        "UNWIND $ids AS id MATCH (:Person {id: $a})-[r:INTERACTED {id: id}]->(:Person {id: $b}) "
        "RETURN count(r) AS n",
        ids=sorted(ids),
        a=A,
        b=B,
    )
    assert stored == 50


def test_twenty_concurrent_creates_of_one_id_make_one_node(writable: Api) -> None:
    person = {
        "recordId": "p-concurrent",
        "givenName": "Samtidig",
        "familyName": "Person",
        "country": "DK",
        "consent": {"basis": "CONSENT", "date": "2020-01-01"},
    }
    answers = at_once(
        [lambda: writable.data(CREATE, {"input": person})["createPerson"] for _ in range(20)]
    )
    assert all(answer["errors"] == [] for answer in answers), answers
    assert sorted(answer["created"] for answer in answers) == [False] * 19 + [True]
    assert count(writable, "MATCH (p:Person {id: 'p-concurrent'}) RETURN count(p) AS n") == 1


def test_twenty_concurrent_interactions_of_one_id_make_one_tie(writable: Api) -> None:
    interaction = {"recordId": "i-concurrent", "kind": "MEETING", "date": "2020-02-02"}
    answers = at_once(
        [
            lambda: writable.data(RECORD, {"from": A, "to": B, "i": interaction})[
                "recordInteraction"
            ]
            for _ in range(20)
        ]
    )
    assert all(answer["errors"] == [] for answer in answers), answers
    assert sorted(answer["outcome"] for answer in answers) == ["CREATED"] + ["UNCHANGED"] * 19
    assert (
        count(writable, "MATCH ()-[r:INTERACTED {id: 'i-concurrent'}]->() RETURN count(r) AS n")
        == 1
    )


def test_concurrent_links_and_unlinks_never_leave_a_duplicate(writable: Api) -> None:
    ends = {"from": A, "to": EVENT}
    ties = "MATCH (:Person {id: $a})-[r:ATTENDED]->(:Event {id: $e}) RETURN count(r) AS n"
    for _ in range(3):
        answers = at_once(
            [
                lambda n=n: writable.data(LINK if n % 2 else UNLINK, ends)  # type: ignore[misc]
                for n in range(30)
            ]
        )
        assert all(next(iter(answer.values()))["errors"] == [] for answer in answers), answers
        assert count(writable, ties, a=A, e=EVENT) <= 1
    at_once([lambda: writable.data(LINK, ends) for _ in range(20)])
    assert count(writable, ties, a=A, e=EVENT) == 1
