"""Relay pagination through the API: walking a list page by page visits every row once and in
order, whatever the page size, the order or the list (node lists and tie connections); cursors
survive rows inserted and deleted between two requests; ``pageInfo`` says where a page sits;
cursors that this list did not give out are refused.

Read-only walks use the InTra-Net demo (``intranet``); tests that write get an ``empty`` graph of
their own. Expected orders are computed from the dataset file, read with PyYAML.
"""

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from crm.domain.search import fold
from graph_loader.datasets import INTRANET
from tests.api.conftest import Api

# --- the dataset ------------------------------------------------------------------------------

DATASET: dict[str, Any] = yaml.load(INTRANET.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
Row = dict[str, Any]
# The schema's names written out again on purpose, independent of crm/domain/labels.py: a
# renamed list or lookup field fails these tests instead of renaming along with them.
PLURALS = {
    "Cluster": "clusters",
    "Organization": "organizations",
    "Person": "people",
    "Event": "events",
    "Topic": "topics",
}


def records(label: str) -> list[Row]:
    rows: list[Row] = DATASET["nodes"][label]
    return rows


def ties(rel_type: str) -> list[Row]:
    rows: list[Row] = DATASET["relationships"][rel_type]
    return rows


def name_of(label: str, row: Row) -> str:
    if label == "Person":
        return f"{row['givenName']} {row['familyName']}"
    return str(row["title"] if label in ("Event", "Document") else row["name"])


def sort_key(label: str, field: str, row: Row) -> tuple[str, str]:
    """What the API sorts ``row`` by for ``field``, then by id."""
    value = {"NAME": fold(name_of(label, row)), "DATE": row.get("date", ""), "RECORD_ID": ""}
    return value[field], row["id"]


def expected_order(label: str, order_by: Row, keep: Callable[[Row], bool] = bool) -> list[str]:
    """Record ids of ``label`` in the order ``order_by`` asks for, computed from the dataset."""
    rows = sorted(
        filter(keep, records(label)), key=lambda row: sort_key(label, order_by["field"], row)
    )
    ids = [row["id"] for row in rows]
    return ids[::-1] if order_by.get("direction") == "DESC" else ids


# --- paging through the API -------------------------------------------------------------------

Page = dict[str, Any]

CONNECTION = "edges { cursor %s } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
NODE_KEY = "node { __typename ... on Node { recordId } }"


@dataclass
class Connection:
    """One list of the API (a node list or a tie connection), asked for a page at a time."""

    api: Api
    document: str
    variables: Row
    path: tuple[str, ...]

    def page(self, first: int, after: str | None = None) -> Page:
        data: Any = self.api.data(self.document, self._variables(first, after))
        for key in self.path:
            data = data[key]
        page: Page = data
        return page

    def codes(self, first: int, after: str | None) -> list[str]:
        """The error codes of a request that must fail."""
        return self.api.codes(self.document, self._variables(first, after))

    def _variables(self, first: int, after: str | None) -> Row:
        return self.variables | {"first": first, "after": after}


def node_list(
    api: Api, label: str, order_by: Row | None = None, where: Row | None = None
) -> Connection:
    plural = PLURALS[label]
    document = f"""
    query ($first: Int!, $after: String, $orderBy: {label}Order, $where: {label}Filter) {{
      {plural}(first: $first, after: $after, orderBy: $orderBy, where: $where) {{
        {CONNECTION % NODE_KEY}
      }}
    }}"""
    return Connection(api, document, {"orderBy": order_by, "where": where}, (plural,))


def tie_list(api: Api, parent: str, record_id: str, field: str, key: str = NODE_KEY) -> Connection:
    document = f"""
    query ($id: ID!, $first: Int!, $after: String) {{
      {parent}(id: $id) {{ {field}(first: $first, after: $after) {{ {CONNECTION % key} }} }}
    }}"""
    return Connection(api, document, {"id": record_id}, (parent, field))


def edge_key(edge: Row) -> str:
    """What identifies an edge: the interaction's own id, else the far node."""
    return str(edge["id"]) if "id" in edge else edge["node"]["recordId"]


def walk(connection: Connection, first: int, after: str | None = None) -> list[str]:
    """Every edge key from ``after`` on, ``first`` at a time, checking each page's pageInfo."""
    keys: list[str] = []
    for _ in range(200):
        page = connection.page(first, after)
        edges, info = page["edges"], page["pageInfo"]
        assert len(edges) <= first
        assert info["hasPreviousPage"] == (after is not None)
        assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
        assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
        keys += [edge_key(edge) for edge in edges]
        if not info["hasNextPage"]:
            return keys
        assert len(edges) == first  # only the last page may be short
        after = info["endCursor"]
    raise AssertionError("the walk does not end")


def whole(connection: Connection) -> list[str]:
    """The whole list in one page."""
    page = connection.page(1000)
    assert not page["pageInfo"]["hasNextPage"]
    return [edge_key(edge) for edge in page["edges"]]


# --- writing, for the tests that insert and delete ---------------------------------------------


def mutate(api: Api, document: str, variables: Row) -> None:
    """Run a mutation; it must report no user errors."""
    (payload,) = api.data(document, variables).values()
    assert payload["errors"] == [], payload["errors"]


def create_topic(api: Api, record_id: str, name: str) -> None:
    mutate(
        api,
        "mutation ($input: TopicInput!) { createTopic(input: $input) { errors { message } } }",
        {"input": {"recordId": record_id, "name": name}},
    )


def delete_topic(api: Api, record_id: str) -> None:
    mutate(
        api,
        "mutation ($id: ID!) { deleteTopic(id: $id) { errors { message } } }",
        {"id": record_id},
    )


def create_member(api: Api, cluster: str, record_id: str, name: str, country: str = "DE") -> None:
    """An organisation (a name is unique per country: a natural key) and its membership."""
    mutate(
        api,
        "mutation ($input: OrganizationInput!) {"
        " createOrganization(input: $input) { errors { message } } }",
        {"input": {"recordId": record_id, "name": name, "kind": "COMPANY", "country": country}},
    )
    mutate(
        api,
        "mutation ($from: ID!, $to: ID!) { linkMemberOf(from: $from, to: $to) {"
        " errors { message } } }",
        {"from": record_id, "to": cluster},
    )


# --- walking visits every row once, in order ---------------------------------------------------


def order_id(order_by: Row) -> str:
    return f"{order_by['field']}-{order_by.get('direction', 'ASC')}"


EVENT_ORDERS: list[Row] = [
    {"field": field, "direction": direction}
    for field in ("NAME", "DATE", "RECORD_ID", "CREATED_AT", "UPDATED_AT")
    for direction in ("ASC", "DESC")
]


@pytest.mark.parametrize("order_by", EVENT_ORDERS, ids=order_id)
@pytest.mark.parametrize("first", [1, 3, 15, 16, 17])
def test_walking_events_visits_each_once_in_order(intranet: Api, order_by: Row, first: int) -> None:
    events = node_list(intranet, "Event", order_by)
    walked = walk(events, first)
    assert walked == whole(events)
    assert sorted(walked) == sorted(row["id"] for row in records("Event"))
    if order_by["field"] in ("NAME", "DATE", "RECORD_ID"):
        assert walked == expected_order("Event", order_by)


PEOPLE_ORDERS: list[Row] = [
    {"field": field, "direction": direction}
    for field in ("NAME", "RECORD_ID")
    for direction in ("ASC", "DESC")
]


@pytest.mark.parametrize("order_by", PEOPLE_ORDERS, ids=order_id)
@pytest.mark.parametrize("first", [7, 171, 172])
def test_walking_people_visits_each_once_in_order(intranet: Api, order_by: Row, first: int) -> None:
    walked = walk(node_list(intranet, "Person", order_by), first)
    assert walked == expected_order("Person", order_by)


@pytest.mark.parametrize(
    ("where", "keep"),
    [
        ({"country": "DE"}, lambda row: row["country"] == "DE"),
        ({"placeContains": "flensburg"}, lambda row: row.get("city") == "Flensburg"),
    ],
    ids=["country", "place"],
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_walking_a_filtered_list_stays_inside_the_filter(
    intranet: Api, where: Row, keep: Callable[[Row], bool], direction: str
) -> None:
    order_by = {"field": "NAME", "direction": direction}
    walked = walk(node_list(intranet, "Organization", order_by, where), 4)
    assert walked == expected_order("Organization", order_by, keep)


def attendees_of(event: str) -> list[str]:
    attended = {tie["from"] for tie in ties("ATTENDED") if tie["to"] == event}
    return expected_order("Person", {"field": "NAME"}, lambda row: row["id"] in attended)


def members_of(cluster: str) -> list[str]:
    members = {tie["from"] for tie in ties("MEMBER_OF") if tie["to"] == cluster}
    return expected_order("Organization", {"field": "NAME"}, lambda row: row["id"] in members)


def interactions_of(person: str) -> list[str]:
    rows = [tie for tie in ties("INTERACTED") if person in (tie["from"], tie["to"])]
    return [tie["id"] for tie in sorted(rows, key=lambda tie: (tie["date"], tie["id"]))]


TIE_WALKS = [
    pytest.param(
        ("event", "ev-intranet-final-conference", "attendees", NODE_KEY),
        attendees_of("ev-intranet-final-conference"),
        id="event.attendees",
    ),
    pytest.param(
        ("cluster", "cl-demosund-maritim", "members", NODE_KEY),
        members_of("cl-demosund-maritim"),
        id="cluster.members",
    ),
    pytest.param(
        ("person", "p-michael-nedergaard", "interactions", "id " + NODE_KEY),
        interactions_of("p-michael-nedergaard"),
        id="person.interactions",
    ),
]


@pytest.mark.parametrize(("tie", "expected"), TIE_WALKS)
@pytest.mark.parametrize("first", [1, 3, 10])
def test_walking_a_tie_connection_visits_each_once_in_order(
    intranet: Api, tie: tuple[str, str, str, str], expected: list[str], first: int
) -> None:
    assert len(expected) > 10
    connection = tie_list(intranet, *tie)
    assert walk(connection, first) == expected
    assert whole(connection) == expected


def test_walking_a_union_connection(intranet: Api) -> None:
    """A sector's actors are clusters, organisations, projects and initiatives."""
    actors = tie_list(intranet, "sector", "sector-energy", "actors")
    walked = walk(actors, 4)
    assert walked == whole(actors)
    energy = [tie["from"] for tie in ties("ACTIVE_IN") if tie["to"] == "sector-energy"]
    assert sorted(walked) == sorted(energy)


# --- cursors survive inserts and deletes between two requests ----------------------------------

TOPICS = {
    f"t-{n}0": name
    for n, name in enumerate(
        ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"], start=1
    )
}


def create_topics(api: Api) -> None:
    for record_id, name in TOPICS.items():
        create_topic(api, record_id, name)


@pytest.mark.parametrize(
    ("order_by", "appearing"),
    [
        ({"field": "NAME", "direction": "ASC"}, {"twin after", "last"}),
        ({"field": "NAME", "direction": "DESC"}, {"twin before", "first"}),
        ({"field": "RECORD_ID", "direction": "ASC"}, {"twin after", "last"}),
        ({"field": "RECORD_ID", "direction": "DESC"}, {"twin before", "first"}),
        (
            {"field": "CREATED_AT", "direction": "ASC"},
            {"first", "twin before", "twin after", "last"},
        ),
        ({"field": "CREATED_AT", "direction": "DESC"}, set()),
    ],
    ids=["NAME-ASC", "NAME-DESC", "RECORD_ID-ASC", "RECORD_ID-DESC", "CREATED-ASC", "CREATED-DESC"],
)
def test_a_cursor_survives_inserts_and_deletes_before_the_next_page(
    empty: Api, order_by: Row, appearing: set[str]
) -> None:
    create_topics(empty)
    topics = node_list(empty, "Topic", order_by)
    before = whole(topics)
    first_page = topics.page(4)
    seen = [edge_key(edge) for edge in first_page["edges"]]
    assert seen == before[:4]

    time.sleep(0.01)  # the new records are created in a later millisecond than the old ones
    boundary = seen[-1]
    number = int(boundary.removeprefix("t-"))
    inserted = {
        "first": ("t-00", "Aardvark"),  # sorts before every other record
        "twin before": (f"t-{number - 1:02}", TOPICS[boundary]),  # the boundary's name, lower id
        "twin after": (f"t-{number + 1:02}", TOPICS[boundary]),  # the boundary's name, higher id
        "last": ("t-99", "Zulu"),  # sorts after every other record
    }
    for record_id, name in inserted.values():
        create_topic(empty, record_id, name)
    deleted_unseen, deleted_seen = before[5], seen[0]
    delete_topic(empty, deleted_unseen)
    delete_topic(empty, deleted_seen)

    rest = walk(topics, 3, after=first_page["pageInfo"]["endCursor"])

    assert not set(rest) & set(seen), "a row repeats"
    assert len(rest) == len(set(rest)), "a row repeats"
    assert set(before[4:]) - {deleted_unseen} <= set(rest), "a row there all along is skipped"
    assert deleted_unseen not in rest
    assert set(rest) - set(before) == {inserted[role][0] for role in appearing}
    now = whole(topics)
    assert rest == now[now.index(boundary) + 1 :]


def test_a_cursor_survives_the_deletion_of_its_own_row(empty: Api) -> None:
    create_topics(empty)
    topics = node_list(empty, "Topic")
    before = whole(topics)
    first_page = topics.page(3)
    delete_topic(empty, before[2])  # the row the cursor points after

    assert walk(topics, 2, after=first_page["pageInfo"]["endCursor"]) == before[3:]


def test_a_tie_cursor_survives_inserts_and_deletes_before_the_next_page(empty: Api) -> None:
    mutate(
        empty,
        "mutation ($input: ClusterInput!) { createCluster(input: $input) { errors { message } } }",
        {"input": {"recordId": "cl", "name": "Cluster", "country": "DK"}},
    )
    names = {"o-20": "Beta", "o-30": "Gamma", "o-40": "Delta", "o-50": "Epsilon", "o-60": "Zeta"}
    for record_id, name in names.items():
        create_member(empty, "cl", record_id, name)
    members = tie_list(empty, "cluster", "cl", "members")
    assert whole(members) == ["o-20", "o-40", "o-50", "o-30", "o-60"]  # B, D, E, G, Z
    first_page = members.page(2)  # Beta, Delta

    create_member(empty, "cl", "o-10", "Alpha")  # before the cursor
    create_member(empty, "cl", "o-39", "Delta", "DK")  # the boundary's name, a lower id: before
    create_member(empty, "cl", "o-41", "Delta", "SE")  # the boundary's name, a higher id: after
    create_member(empty, "cl", "o-45", "Eta")  # between two rows not yet seen
    mutate(empty, 'mutation { unlinkMemberOf(from: "o-50", to: "cl") { errors { message } } }', {})
    mutate(empty, 'mutation { deleteOrganization(id: "o-20") { errors { message } } }', {})

    rest = walk(members, 2, after=first_page["pageInfo"]["endCursor"])

    assert rest == ["o-41", "o-45", "o-30", "o-60"]  # Delta (o-41), Eta, Gamma, Zeta


# --- pageInfo ----------------------------------------------------------------------------------


def position(page: Page) -> tuple[bool, bool]:
    """``(hasPreviousPage, hasNextPage)``, once the cursors are checked against the edges."""
    info, edges = page["pageInfo"], page["edges"]
    assert info["startCursor"] == (edges[0]["cursor"] if edges else None)
    assert info["endCursor"] == (edges[-1]["cursor"] if edges else None)
    return info["hasPreviousPage"], info["hasNextPage"]


FOURTEEN: dict[str, Callable[[Api], Connection]] = {
    "clusters": lambda api: node_list(api, "Cluster"),
    "cluster.members": lambda api: tie_list(api, "cluster", "cl-demosund-maritim", "members"),
}


@pytest.mark.parametrize("connection", FOURTEEN.values(), ids=FOURTEEN.keys())
def test_page_info_on_the_first_middle_and_last_page(
    intranet: Api, connection: Callable[[Api], Connection]
) -> None:
    rows = connection(intranet)
    assert len(whole(rows)) == 14
    first = rows.page(5)
    middle = rows.page(5, first["pageInfo"]["endCursor"])
    last = rows.page(5, middle["pageInfo"]["endCursor"])
    beyond = rows.page(5, last["pageInfo"]["endCursor"])

    assert [len(page["edges"]) for page in (first, middle, last, beyond)] == [5, 5, 4, 0]
    assert position(first) == (False, True)
    assert position(middle) == (True, True)
    assert position(last) == (True, False)
    assert position(beyond) == (True, False)


@pytest.mark.parametrize("connection", FOURTEEN.values(), ids=FOURTEEN.keys())
def test_a_full_last_page_says_there_is_no_more(
    intranet: Api, connection: Callable[[Api], Connection]
) -> None:
    rows = connection(intranet)
    first = rows.page(7)
    second = rows.page(7, first["pageInfo"]["endCursor"])
    assert len(second["edges"]) == 7
    assert (position(first), position(second)) == ((False, True), (True, False))
    assert position(rows.page(14)) == (False, False)
    assert position(rows.page(13)) == (False, True)


def test_an_empty_list(empty: Api) -> None:
    for label in ("Cluster", "Person", "Event"):
        page = node_list(empty, label).page(10)
        assert page == {
            "edges": [],
            "pageInfo": {
                "hasNextPage": False,
                "hasPreviousPage": False,
                "startCursor": None,
                "endCursor": None,
            },
        }
    assert empty.data("{ clusters { totalCount } }") == {"clusters": {"totalCount": 0}}


def test_an_empty_filtered_list_and_an_empty_tie_connection(intranet: Api) -> None:
    nothing = node_list(intranet, "Event", where={"nameContains": "no such event"}).page(10)
    assert nothing["edges"] == []
    assert position(nothing) == (False, False)
    with_initiatives = {tie["to"] for tie in ties("EMERGED_FROM")}
    event = next(row["id"] for row in records("Event") if row["id"] not in with_initiatives)
    no_initiatives = tie_list(intranet, "event", event, "initiatives").page(10)
    assert no_initiatives["edges"] == []
    assert position(no_initiatives) == (False, False)


# --- bad cursors -------------------------------------------------------------------------------


def encoded(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


GARBAGE = [
    "not a cursor",
    "",
    "%%%",
    "äöü",
    encoded("not json"),
    encoded(json.dumps({"a": 1})),
    encoded(json.dumps(["Cluster.name.asc", "a"])),
    encoded(json.dumps(["Cluster.name.asc", 1, 2])),
]

CONNECTIONS: dict[str, Callable[[Api], Connection]] = {
    "clusters": lambda api: node_list(api, "Cluster"),
    "clusters by name, descending": lambda api: node_list(
        api, "Cluster", {"field": "NAME", "direction": "DESC"}
    ),
    "clusters by record id": lambda api: node_list(api, "Cluster", {"field": "RECORD_ID"}),
    "organizations": lambda api: node_list(api, "Organization"),
    "cluster.members": lambda api: tie_list(api, "cluster", "alucluster", "members"),
    "cluster.people": lambda api: tie_list(api, "cluster", "alucluster", "people"),
    "organization.clusters": lambda api: tie_list(
        api, "organization", "org-opdigtet-overfladeteknik", "clusters"
    ),
}


def still_serving(api: Api) -> None:
    assert api.data("{ clusters(first: 1) { totalCount } }") == {"clusters": {"totalCount": 14}}


@pytest.mark.parametrize("cursor", GARBAGE)
@pytest.mark.parametrize("connection", ["clusters", "cluster.members"])
def test_a_garbage_cursor_is_bad_user_input(intranet: Api, cursor: str, connection: str) -> None:
    assert CONNECTIONS[connection](intranet).codes(2, cursor) == ["BAD_USER_INPUT"]
    still_serving(intranet)


@pytest.mark.parametrize("connection", ["clusters", "cluster.members"])
def test_a_truncated_cursor_is_bad_user_input(intranet: Api, connection: str) -> None:
    rows = CONNECTIONS[connection](intranet)
    end = rows.page(2)["pageInfo"]["endCursor"]
    assert rows.codes(2, end[:-4]) == ["BAD_USER_INPUT"]
    still_serving(intranet)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("clusters", "clusters by name, descending"),
        ("clusters by name, descending", "clusters"),
        ("clusters by record id", "clusters"),
        ("clusters", "organizations"),
        ("organizations", "clusters"),
        ("cluster.members", "organizations"),  # the same nodes, but another list
        ("organizations", "cluster.members"),
        ("cluster.people", "cluster.members"),
        ("cluster.members", "organization.clusters"),
    ],
)
def test_a_cursor_of_another_list_or_order_is_bad_user_input(
    intranet: Api, source: str, target: str
) -> None:
    cursor = CONNECTIONS[source](intranet).page(1)["pageInfo"]["endCursor"]
    assert cursor is not None
    assert CONNECTIONS[target](intranet).codes(2, cursor) == ["BAD_USER_INPUT"]
    still_serving(intranet)
    CONNECTIONS[source](intranet).page(2, cursor)  # the list that gave it out takes it
