"""Reading the graph through the API: global ids, one list per label with its filters and orders,
ties walked from both ends, a project's impact, and the limits on page sizes.

Everything runs against the InTra-Net demo (the read-only ``intranet`` app); every expected
answer is computed here from the dataset file itself, read with PyYAML.
"""

import base64
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml

from crm.api.ids import global_id
from crm.config import Settings
from crm.domain import Label
from crm.domain.search import fold
from graph_loader.datasets import INTRANET
from tests.api.conftest import GRAPHQL_RESPONSE, Api

# --- the dataset, read independently of the loader -------------------------------------------

DATASET: dict[str, Any] = yaml.load(INTRANET.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
"""Every scalar as text (``BaseLoader``), as the loader reads it too."""

Row = dict[str, Any]

# The schema's names written out again on purpose, independent of crm/domain/labels.py: a
# renamed list or lookup field fails these tests instead of renaming along with them.
PLURALS = {
    "Cluster": "clusters",
    "Organization": "organizations",
    "Person": "people",
    "Event": "events",
    "Initiative": "initiatives",
    "Project": "projects",
    "Topic": "topics",
    "Sector": "sectors",
    "Region": "regions",
    "Document": "documents",
}
LABELS = list(PLURALS)
SINGULARS = {label: label[0].lower() + label[1:] for label in LABELS}
DATE_FIELDS = {"Event": "date", "Initiative": "startedOn", "Document": "publishedOn"}
MAX_PAGE_SIZE: int = Settings.model_fields["max_page_size"].default


def records(label: str) -> list[Row]:
    rows: list[Row] = DATASET["nodes"][label]
    return rows


def ties(rel_type: str) -> list[Row]:
    rows: list[Row] = DATASET["relationships"][rel_type]
    return rows


def record(label: str, record_id: str) -> Row:
    return next(row for row in records(label) if row["id"] == record_id)


def name_of(label: str, row: Row) -> str:
    """What a record is called: people by both names, events and documents by title."""
    if label == "Person":
        return f"{row['givenName']} {row['familyName']}"
    return str(row["title"] if label in ("Event", "Document") else row["name"])


def ids_where(label: str, keep: Callable[[Row], bool]) -> set[str]:
    return {row["id"] for row in records(label) if keep(row)}


def active_in(label: str, sector: str) -> set[str]:
    """Records of ``label`` with an ACTIVE_IN tie to ``sector``."""
    return {
        tie["from"]
        for tie in ties("ACTIVE_IN")
        if tie["to"] == sector and tie.get("fromLabel") == label
    }


def by_name(label: str) -> list[str]:
    """Record ids in name order: folded name, then id."""
    rows = sorted(records(label), key=lambda row: (fold(name_of(label, row)), row["id"]))
    return [row["id"] for row in rows]


def by_date(label: str) -> list[str]:
    """Record ids in date order, records without a date first, then by id."""
    field = DATE_FIELDS[label]
    rows = sorted(records(label), key=lambda row: (row.get(field) or "", row["id"]))
    return [row["id"] for row in rows]


def within(value: str | None, start: str | None, end: str | None) -> bool:
    if value is None:
        return False
    day = date.fromisoformat(value)
    return (start is None or date.fromisoformat(start) <= day) and (
        end is None or day <= date.fromisoformat(end)
    )


# --- asking the API --------------------------------------------------------------------------


def answer(api: Api, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole body of an executed request (status 200), data and errors."""
    response = api.post(document, variables)
    body: dict[str, Any] = response.json()
    assert response.status_code == 200, body
    return body


def refused(api: Api, document: str, variables: dict[str, Any] | None = None) -> list[Any]:
    """The errors of a request that does not validate: HTTP 400 and no ``data`` at all."""
    response = api.post(document, variables)
    body: dict[str, Any] = response.json()
    assert response.status_code == 400, body
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in body
    errors: list[Any] = body["errors"]
    assert {error["extensions"]["code"] for error in errors} == {"GRAPHQL_VALIDATION_FAILED"}
    return errors


def listing(
    api: Api,
    label: str,
    where: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
    fields: str = "recordId",
) -> list[Row]:
    """The whole list of ``label`` in one page; its ``totalCount`` must agree with it."""
    plural = PLURALS[label]
    document = f"""
    query ($where: {label}Filter, $orderBy: {label}Order) {{
      {plural}(first: {MAX_PAGE_SIZE}, where: $where, orderBy: $orderBy) {{
        totalCount nodes {{ {fields} }} pageInfo {{ hasNextPage }}
      }}
    }}"""
    connection = api.data(document, {"where": where, "orderBy": order_by})[plural]
    assert not connection["pageInfo"]["hasNextPage"]
    nodes: list[Row] = connection["nodes"]
    assert connection["totalCount"] == len(nodes)
    return nodes


def record_ids(
    api: Api,
    label: str,
    where: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
) -> list[str]:
    return [node["recordId"] for node in listing(api, label, where, order_by)]


def global_ids(api: Api, label: str) -> dict[str, str]:
    """Record id -> global id, as a list query gives them."""
    return {node["recordId"]: node["id"] for node in listing(api, label, fields="id recordId")}


# --- global ids: node, nodes and the lookups -------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_node_finds_a_record_of_every_label_by_the_global_id_a_list_gave(
    intranet: Api, label: str
) -> None:
    first = intranet.data(f"{{ {PLURALS[label]}(first: 1) {{ nodes {{ id recordId }} }} }}")
    listed = first[PLURALS[label]]["nodes"][0]
    found = intranet.data(
        "query ($id: ID!) { node(id: $id) { __typename id ... on Node { recordId } } }",
        {"id": listed["id"]},
    )
    assert found["node"] == {"__typename": label, **listed}


NODES_WITH_FRAGMENTS = """
query ($ids: [ID!]!) {
  nodes(ids: $ids) {
    __typename
    ... on Cluster { name country }
    ...PersonNames
  }
}
fragment PersonNames on Person { givenName familyName }
"""


def test_nodes_keeps_the_order_given_and_answers_null_and_not_found_for_an_unknown_id(
    intranet: Api,
) -> None:
    clusters, people = global_ids(intranet, "Cluster"), global_ids(intranet, "Person")
    project = global_ids(intranet, "Project")["intranet"]
    unknown = global_id(Label.CLUSTER, "no-such-cluster")
    ids = [people["p-michael-nedergaard"], unknown, project, clusters["alucluster"]]

    body = answer(intranet, NODES_WITH_FRAGMENTS, {"ids": ids})

    michael, alucluster = record("Person", "p-michael-nedergaard"), record("Cluster", "alucluster")
    assert body["data"]["nodes"] == [
        {
            "__typename": "Person",
            "givenName": michael["givenName"],
            "familyName": michael["familyName"],
        },
        None,
        {"__typename": "Project"},
        {"__typename": "Cluster", "name": alucluster["name"], "country": alucluster["country"]},
    ]
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [
        ("NOT_FOUND", ["nodes", 1])
    ]


def test_node_with_an_unknown_global_id_is_null_and_not_found(intranet: Api) -> None:
    body = answer(
        intranet,
        "query ($id: ID!) { node(id: $id) { id } }",
        {"id": global_id(Label.PROJECT, "no-such-project")},
    )
    assert body["data"] == {"node": None}
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [
        ("NOT_FOUND", ["node"])
    ]


@pytest.mark.parametrize(
    "bad_id",
    [
        "not a global id",
        "intranet",  # a record id: `node` cannot tell its label
        base64.b64encode(b"NoSuchLabel:intranet").decode(),
        base64.b64encode(b"Project:").decode(),
        "",
    ],
)
def test_node_with_a_malformed_global_id_is_bad_user_input(intranet: Api, bad_id: str) -> None:
    body = answer(intranet, "query ($id: ID!) { node(id: $id) { id } }", {"id": bad_id})
    assert body["data"] == {"node": None}
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [
        ("BAD_USER_INPUT", ["node"])
    ]


@pytest.mark.parametrize("label", LABELS)
def test_a_lookup_takes_the_record_id_or_the_global_id(intranet: Api, label: str) -> None:
    row = records(label)[0]
    document = f"query ($id: ID!) {{ {SINGULARS[label]}(id: $id) {{ __typename id recordId }} }}"
    by_record_id = intranet.data(document, {"id": row["id"]})[SINGULARS[label]]
    by_global_id = intranet.data(document, {"id": by_record_id["id"]})[SINGULARS[label]]
    assert by_record_id == by_global_id
    assert by_record_id["recordId"] == row["id"]
    assert by_record_id["id"] == global_ids(intranet, label)[row["id"]]


def test_project_intranet_by_record_id_is_the_dataset_record(intranet: Api) -> None:
    found = intranet.data(
        '{ project(id: "intranet") { name programme fund periodStart periodEnd } }'
    )["project"]
    row = record("Project", "intranet")
    assert found == {
        "name": row["name"],
        "programme": row["programme"],
        "fund": row["fund"],
        "periodStart": int(row["periodStart"]),
        "periodEnd": int(row["periodEnd"]),
    }


@pytest.mark.parametrize(
    ("project_id", "code"),
    [
        (global_id(Label.CLUSTER, "alucluster"), "BAD_USER_INPUT"),  # a global id of a Cluster
        ("not a record id!", "BAD_USER_INPUT"),
        ("no-such-project", "NOT_FOUND"),
        (global_id(Label.PROJECT, "no-such-project"), "NOT_FOUND"),
    ],
    ids=["another-labels-global-id", "malformed", "unknown-record-id", "unknown-global-id"],
)
def test_a_lookup_refuses_another_labels_global_id_and_misses_unknown_ids(
    intranet: Api, project_id: str, code: str
) -> None:
    body = answer(intranet, "query ($id: ID!) { project(id: $id) { id } }", {"id": project_id})
    assert body["data"] == {"project": None}
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [(code, ["project"])]


# --- lists and filters -----------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_every_list_holds_the_datasets_records_once(intranet: Api, label: str) -> None:
    nodes = listing(intranet, label, fields="id recordId")
    assert len(nodes) == len(records(label))
    assert len({node["id"] for node in nodes}) == len(nodes)
    assert sorted(node["recordId"] for node in nodes) == sorted(row["id"] for row in records(label))


@pytest.mark.parametrize("label", ["Cluster", "Organization", "Person", "Event", "Region"])
@pytest.mark.parametrize("country", ["DK", "DE"])
def test_country_filter(intranet: Api, label: str, country: str) -> None:
    expected = ids_where(label, lambda row: row.get("country") == country)
    assert expected
    assert set(record_ids(intranet, label, {"country": country})) == expected


@pytest.mark.parametrize("label", ["Cluster", "Organization", "Initiative", "Project"])
def test_sector_filter_by_record_id_finds_what_is_active_in_it(intranet: Api, label: str) -> None:
    for sector in records("Sector"):
        found = record_ids(intranet, label, {"sector": sector["id"]})
        assert len(found) == len(set(found))
        assert set(found) == active_in(label, sector["id"]), sector["id"]


def test_sector_filter_by_global_id(intranet: Api) -> None:
    energy = global_ids(intranet, "Sector")["sector-energy"]
    found = record_ids(intranet, "Organization", {"sector": energy})
    assert set(found) == active_in("Organization", "sector-energy")
    assert found == record_ids(intranet, "Organization", {"sector": "sector-energy"})


@pytest.mark.parametrize("label", ["Event", "Organization", "Document"])
def test_kind_filter(intranet: Api, label: str) -> None:
    by_kind: dict[str, set[str]] = defaultdict(set)
    for row in records(label):
        by_kind[row["kind"]].add(row["id"])
    for kind, expected in by_kind.items():
        found = record_ids(intranet, label, {"kind": kind.upper()})
        assert len(found) == len(expected)
        assert set(found) == expected


def test_events_of_kind_workshop_are_the_datasets_workshops(intranet: Api) -> None:
    found = set(record_ids(intranet, "Event", {"kind": "WORKSHOP"}))
    assert found == ids_where("Event", lambda row: row["kind"] == "workshop")
    assert {"ev-intranet-workshop-1", "ev-intranet-workshop-2", "ev-intranet-workshop-3"} < found


@pytest.mark.parametrize("status", ["IDEA", "START_UP", "ACTIVE", "CONCLUDED"])
def test_status_filter(intranet: Api, status: str) -> None:
    expected = ids_where("Initiative", lambda row: row["status"] == status.lower())
    assert set(record_ids(intranet, "Initiative", {"status": status})) == expected


def test_the_seven_initiatives_are_in_start_up(intranet: Api) -> None:
    assert len(record_ids(intranet, "Initiative", {"status": "START_UP"})) == 7


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        ("Event", "2013-03-14", "2013-10-10"),  # both bounds are dates of events
        ("Event", "2000-01-01", "2012-11-08"),
        ("Event", "2013-06-13", "2013-06-13"),
        ("Event", "2015-04-23", None),
        ("Event", None, "2012-11-08"),
        ("Event", "2030-01-01", None),
        ("Document", "2015-06-01", None),  # documents without a date never match
        ("Document", None, "2016-05-12"),
        ("Initiative", "2000-01-01", None),
    ],
)
def test_date_range_filter_is_inclusive(
    intranet: Api, label: str, start: str | None, end: str | None
) -> None:
    where = {"dateFrom": start, "dateTo": end}
    field = DATE_FIELDS[label]
    expected = ids_where(label, lambda row: within(row.get(field), start, end))
    assert set(record_ids(intranet, label, where)) == expected


def test_date_bounds_include_the_events_on_them(intranet: Api) -> None:
    found = set(record_ids(intranet, "Event", {"dateFrom": "2013-03-14", "dateTo": "2013-10-10"}))
    assert {"ev-intranet-network-meeting-1", "ev-intranet-workshop-3"} <= found


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("Event", "sonderborg"),
        ("Event", "SØNDERBORG"),
        ("Event", "Sønderborg"),
        ("Event", "  cluster   BREAKFAST "),
        ("Person", "michael nedergaard"),  # across given and family name
        ("Person", "NEDERGAARD"),
        ("Organization", "prove"),
        ("Organization", "PRØVE"),
        ("Cluster", "musterforde"),
        ("Document", "report"),
        ("Topic", "innovation"),
    ],
)
def test_name_contains_ignores_case_and_accents(intranet: Api, label: str, text: str) -> None:
    expected = ids_where(label, lambda row: fold(text) in fold(name_of(label, row)))
    assert expected
    assert set(record_ids(intranet, label, {"nameContains": text})) == expected


@pytest.mark.parametrize("text", ["sonderborg", "SØNDERBORG"])
def test_sonderborg_finds_the_cluster_breakfast(intranet: Api, text: str) -> None:
    found = listing(intranet, "Event", {"nameContains": text}, fields="title")
    assert found == [{"title": "Cluster breakfast Sønderborg"}]


@pytest.mark.parametrize(
    ("label", "text"),
    [
        ("Organization", "flensburg"),
        ("Event", "flensburg"),
        ("Organization", "SONDERBORG"),
        ("Event", "sønderborg"),
        ("Organization", "niebull"),
    ],
)
def test_place_contains_searches_the_city_or_the_place(
    intranet: Api, label: str, text: str
) -> None:
    place = "city" if label == "Organization" else "place"
    expected = ids_where(label, lambda row: fold(text) in fold(row.get(place) or "\0"))
    assert expected
    assert set(record_ids(intranet, label, {"placeContains": text})) == expected


def test_flensburg_has_organisations_and_events(intranet: Api) -> None:
    organizations = record_ids(intranet, "Organization", {"placeContains": "flensburg"})
    events = record_ids(intranet, "Event", {"placeContains": "flensburg"})
    assert len(organizations) == sum(r.get("city") == "Flensburg" for r in records("Organization"))
    assert len(events) == sum(row.get("place") == "Flensburg" for row in records("Event"))
    assert organizations
    assert "ev-intranet-final-conference" in events


COMBINED: list[tuple[str, dict[str, Any], Callable[[Row], bool]]] = [
    (
        "Event",
        {"kind": "NETWORK_MEETING", "placeContains": "flensburg"},
        lambda row: row["kind"] == "network_meeting" and row.get("place") == "Flensburg",
    ),
    (
        "Event",
        {"kind": "NETWORK_MEETING", "placeContains": "flensburg", "dateFrom": "2012-01-01"},
        lambda row: (
            row["kind"] == "network_meeting"
            and row.get("place") == "Flensburg"
            and row["date"] >= "2012-01-01"
        ),
    ),
    (
        "Organization",
        {"country": "DE", "sector": "sector-energy"},
        lambda row: (
            row["country"] == "DE" and row["id"] in active_in("Organization", "sector-energy")
        ),
    ),
    (
        "Organization",
        {"placeContains": "flensburg", "kind": "COMPANY", "nameContains": "gmbh"},
        lambda row: (
            row.get("city") == "Flensburg"
            and row["kind"] == "company"
            and "gmbh" in row["name"].lower()
        ),
    ),
    (
        "Cluster",
        {"country": "DK", "sector": "sector-health"},
        lambda row: row["country"] == "DK" and row["id"] in active_in("Cluster", "sector-health"),
    ),
    (
        "Event",
        {"country": "DE", "kind": "CONFERENCE", "nameContains": "final"},
        lambda row: (
            row.get("country") == "DE" and row["kind"] == "conference" and "final" in row["title"]
        ),
    ),
]


@pytest.mark.parametrize(("label", "where", "keep"), COMBINED)
def test_filters_combine_with_and(
    intranet: Api, label: str, where: dict[str, Any], keep: Callable[[Row], bool]
) -> None:
    expected = ids_where(label, keep)
    assert expected
    assert set(record_ids(intranet, label, where)) == expected


def test_combined_filters_narrow_each_other(intranet: Api) -> None:
    both = set(record_ids(intranet, "Event", {"kind": "NETWORK_MEETING", "country": "DE"}))
    kind = set(record_ids(intranet, "Event", {"kind": "NETWORK_MEETING"}))
    country = set(record_ids(intranet, "Event", {"country": "DE"}))
    assert both == kind & country
    assert both < kind
    assert both < country


@pytest.mark.parametrize(
    ("label", "where"),
    [
        ("Cluster", {"country": "XX"}),
        ("Organization", {"country": "Denmark"}),
        ("Event", {"dateFrom": "2014-01-02", "dateTo": "2014-01-01"}),
        ("Organization", {"sector": "not a sector id!"}),
        ("Organization", {"sector": global_id(Label.CLUSTER, "alucluster")}),
    ],
)
def test_an_invalid_filter_is_bad_user_input(
    intranet: Api, label: str, where: dict[str, Any]
) -> None:
    plural = PLURALS[label]
    body = answer(
        intranet,
        f"query ($where: {label}Filter) {{ {plural}(where: $where) {{ totalCount }} }}",
        {"where": where},
    )
    assert body["data"] is None
    assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [
        ("BAD_USER_INPUT", [plural])
    ]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ events(where: {kind: PARTY}) { totalCount } }", None),
        ("{ initiatives(where: {status: start_up}) { totalCount } }", None),
        ('{ clusters(where: {placeContains: "x"}) { totalCount } }', None),  # no place
        ('{ people(where: {region: "region-schleswig"}) { totalCount } }', None),  # no region
        ('{ events(where: {dateFrom: "yesterday"}) { totalCount } }', None),
        (
            "query ($where: EventFilter) { events(where: $where) { totalCount } }",
            {"where": {"kind": "PARTY"}},
        ),
    ],
    ids=[
        "unknown-kind",
        "status-in-lower-case",
        "clusters-have-no-place",
        "people-have-no-region",
        "not-a-date",
        "unknown-kind-in-variables",
    ],
)
def test_an_unknown_enum_value_or_filter_field_does_not_validate(
    intranet: Api, document: str, variables: dict[str, Any] | None
) -> None:
    assert refused(intranet, document, variables)


# --- order -----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", LABELS)
def test_lists_are_sorted_by_folded_name_then_id_by_default(intranet: Api, label: str) -> None:
    assert record_ids(intranet, label) == by_name(label)


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_order_by_name(intranet: Api, label: str, direction: str) -> None:
    expected = by_name(label)
    found = record_ids(intranet, label, order_by={"field": "NAME", "direction": direction})
    assert found == (expected if direction == "ASC" else expected[::-1])


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_order_by_record_id(intranet: Api, label: str, direction: str) -> None:
    expected = sorted(row["id"] for row in records(label))
    found = record_ids(intranet, label, order_by={"field": "RECORD_ID", "direction": direction})
    assert found == (expected if direction == "ASC" else expected[::-1])


@pytest.mark.parametrize("label", list(DATE_FIELDS))
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_order_by_date(intranet: Api, label: str, direction: str) -> None:
    expected = by_date(label)
    found = record_ids(intranet, label, order_by={"field": "DATE", "direction": direction})
    assert found == (expected if direction == "ASC" else expected[::-1])


def test_events_by_date_with_a_filter(intranet: Api) -> None:
    found = listing(
        intranet, "Event", {"kind": "WORKSHOP"}, {"field": "DATE"}, fields="recordId date"
    )
    dates = [node["date"] for node in found]
    assert dates == sorted(dates)
    assert [node["recordId"] for node in found] == [
        event_id for event_id in by_date("Event") if record("Event", event_id)["kind"] == "workshop"
    ]


@pytest.mark.parametrize("label", ["Cluster", "Organization", "Person", "Project"])
def test_order_by_a_field_the_label_does_not_have_does_not_validate(
    intranet: Api, label: str
) -> None:
    refused(intranet, f"{{ {PLURALS[label]}(orderBy: {{field: DATE}}) {{ totalCount }} }}")


# --- ties ------------------------------------------------------------------------------------


def test_memberships_read_the_same_from_both_ends_with_their_since(intranet: Api) -> None:
    expected = {(tie["from"], tie["to"], tie.get("since")) for tie in ties("MEMBER_OF")}
    clusters = intranet.data(
        "{ clusters(first: 100) { nodes { recordId members(first: 100) {"
        " totalCount edges { since node { recordId } } } } } }"
    )["clusters"]["nodes"]
    organizations = intranet.data(
        "{ organizations(first: 100) { nodes { recordId clusters(first: 100) {"
        " totalCount edges { since node { recordId } } } } } }"
    )["organizations"]["nodes"]

    from_clusters = [
        (edge["node"]["recordId"], cluster["recordId"], edge["since"])
        for cluster in clusters
        for edge in cluster["members"]["edges"]
    ]
    from_organizations = [
        (organization["recordId"], edge["node"]["recordId"], edge["since"])
        for organization in organizations
        for edge in organization["clusters"]["edges"]
    ]
    assert sorted(from_clusters) == sorted(expected)
    assert sorted(from_organizations) == sorted(expected)
    assert sum(cluster["members"]["totalCount"] for cluster in clusters) == len(expected)


def test_alucluster_members_in_name_order_with_since(intranet: Api) -> None:
    found = intranet.data(
        '{ cluster(id: "alucluster") { members { edges { since node { recordId } } } } }'
    )["cluster"]["members"]["edges"]
    rows = {tie["from"]: tie.get("since") for tie in ties("MEMBER_OF") if tie["to"] == "alucluster"}
    in_order = [org for org in by_name("Organization") if org in rows]
    assert found == [{"since": rows[org], "node": {"recordId": org}} for org in in_order]


EMPLOYERS = """
{ people(first: 1000) { nodes { recordId employers(first: 100) { edges { role since until
    node { __typename ... on Cluster { recordId } ... on Organization { recordId } } } } } } }
"""


def test_employers_are_clusters_or_organizations_with_the_jobs_properties(intranet: Api) -> None:
    people = intranet.data(EMPLOYERS)["people"]["nodes"]
    found = sorted(
        (
            person["recordId"],
            edge["node"]["__typename"],
            edge["node"]["recordId"],
            edge["role"],
            edge["since"],
            edge["until"],
        )
        for person in people
        for edge in person["employers"]["edges"]
    )
    expected = sorted(
        (
            tie["from"],
            tie["toLabel"],
            tie["to"],
            tie.get("role"),
            tie.get("since"),
            tie.get("until"),
        )
        for tie in ties("WORKS_AT")
    )
    assert found == expected
    assert {typename for _, typename, *_ in found} == {"Cluster", "Organization"}


def test_michael_nedergaard_is_the_managing_director_of_alucluster(intranet: Api) -> None:
    (job,) = [tie for tie in ties("WORKS_AT") if tie["from"] == "p-michael-nedergaard"]
    assert job["to"] == "alucluster"
    assert "managing director" in job["role"]
    employers = intranet.data(
        '{ person(id: "p-michael-nedergaard") { employers { edges { role'
        " node { __typename ... on Cluster { recordId name } ... on Organization { recordId } }"
        " } } } }"
    )["person"]["employers"]["edges"]
    assert employers == [
        {
            "role": job["role"],
            "node": {"__typename": "Cluster", "recordId": "alucluster", "name": "AluCluster"},
        }
    ]
    staff = intranet.data(
        '{ cluster(id: "alucluster") { people { edges { role node { recordId } } } } }'
    )["cluster"]["people"]["edges"]
    assert {"role": job["role"], "node": {"recordId": "p-michael-nedergaard"}} in staff


@pytest.mark.parametrize("project", [row["id"] for row in records("Project")])
def test_a_projects_events_come_in_date_order(intranet: Api, project: str) -> None:
    found = intranet.data(
        "query ($id: ID!) { project(id: $id) { events(first: 100) { totalCount"
        " edges { node { recordId date } } } } }",
        {"id": project},
    )["project"]["events"]
    organized = {tie["to"] for tie in ties("ORGANIZED") if tie["from"] == project}
    expected = [event for event in by_date("Event") if event in organized]
    assert [edge["node"]["recordId"] for edge in found["edges"]] == expected
    assert found["totalCount"] == len(expected)


def test_attendee_counts_match_the_attended_rows(intranet: Api) -> None:
    events = intranet.data(
        "{ events(first: 100) { nodes { recordId attendees { totalCount } } } }"
    )["events"]["nodes"]
    attended = Counter(tie["to"] for tie in ties("ATTENDED"))
    assert {e["recordId"]: e["attendees"]["totalCount"] for e in events} == {
        row["id"]: attended[row["id"]] for row in records("Event")
    }


def test_the_final_conferences_attendees_are_the_attended_rows(intranet: Api) -> None:
    conference = "ev-intranet-final-conference"
    found = intranet.data(
        "query ($id: ID!) { event(id: $id) { attendees(first: 1000) {"
        " totalCount nodes { recordId } } } }",
        {"id": conference},
    )["event"]["attendees"]
    attended = {tie["from"] for tie in ties("ATTENDED") if tie["to"] == conference}
    expected = [person for person in by_name("Person") if person in attended]
    assert [node["recordId"] for node in found["nodes"]] == expected
    assert found["totalCount"] == len(expected)


def test_initiatives_and_their_events_agree_both_ways(intranet: Api) -> None:
    initiatives = intranet.data(
        "{ initiatives(first: 100) { nodes { recordId events { nodes { recordId } } } } }"
    )["initiatives"]["nodes"]
    events = intranet.data(
        "{ events(first: 100) { nodes { recordId initiatives { nodes { recordId } } } } }"
    )["events"]["nodes"]
    from_initiatives = sorted(
        (i["recordId"], e["recordId"]) for i in initiatives for e in i["events"]["nodes"]
    )
    from_events = sorted(
        (i["recordId"], e["recordId"]) for e in events for i in e["initiatives"]["nodes"]
    )
    expected = sorted((tie["from"], tie["to"]) for tie in ties("EMERGED_FROM"))
    assert from_initiatives == expected
    assert from_events == expected


INTERACTIONS = """
{ people(first: 1000) { nodes { recordId interactions(first: 1000) {
    totalCount edges { id kind date note outgoing node { recordId } } } } } }
"""


def test_interactions_show_on_both_people_in_date_order(intranet: Api) -> None:
    people = intranet.data(INTERACTIONS)["people"]["nodes"]
    expected: dict[str, list[Row]] = defaultdict(list)
    for tie in sorted(ties("INTERACTED"), key=lambda tie: (tie["date"], tie["id"])):
        for near, far, outgoing in (
            (tie["from"], tie["to"], True),
            (tie["to"], tie["from"], False),
        ):
            expected[near].append(
                {
                    "id": tie["id"],
                    "kind": tie["kind"].upper(),
                    "date": tie["date"],
                    "note": tie.get("note"),
                    "outgoing": outgoing,
                    "node": {"recordId": far},
                }
            )
    found = {person["recordId"]: person["interactions"] for person in people}
    for person, interactions in found.items():
        assert interactions["edges"] == expected.get(person, []), person
        assert interactions["totalCount"] == len(expected.get(person, []))


def test_michael_nedergaards_interactions_run_both_ways(intranet: Api) -> None:
    rows = [tie for tie in ties("INTERACTED") if "p-michael-nedergaard" in (tie["from"], tie["to"])]
    assert {tie["from"] == "p-michael-nedergaard" for tie in rows} == {True, False}
    found = intranet.data(
        '{ person(id: "p-michael-nedergaard") { interactions(first: 100) {'
        " edges { id node { recordId } } } } }"
    )["person"]["interactions"]["edges"]
    assert sorted(edge["id"] for edge in found) == sorted(tie["id"] for tie in rows)


# --- impact, counts, page sizes --------------------------------------------------------------


def test_the_impact_of_intranet(intranet: Api) -> None:
    impact = intranet.data(
        '{ project(id: "intranet") { impact { workshops networkMeetings conferences initiatives'
        " conferenceAttendees topics totalInvestmentEur euContributionEur cofinancingRate } } }"
    )["project"]["impact"]
    assert impact == {
        "workshops": 3,
        "networkMeetings": 2,
        "conferences": 1,
        "initiatives": 7,
        "conferenceAttendees": 171,
        "topics": 4,
        "totalInvestmentEur": 295578,
        "euContributionEur": 192126,
        "cofinancingRate": 0.65,
    }


@pytest.mark.parametrize(
    "connection",
    [
        "clusters(first: 5) { %s nodes { recordId } }",
        'events(first: 3, where: {country: "DE"}) { %s nodes { recordId } }',
        'cluster(id: "alucluster") { members(first: 2) { %s nodes { recordId } } }',
    ],
    ids=["clusters", "filtered-events", "cluster.members"],
)
def test_total_count_costs_no_round_trip_of_its_own(intranet: Api, connection: str) -> None:
    """A compiled read counts in its one statement (what strawberry's resolvers pay for a count,
    one round trip only when asked, is tested in ``test_round_trips``)."""
    without = intranet.round_trips("{ " + connection % "" + " }")
    with_count = intranet.round_trips("{ " + connection % "totalCount" + " }")
    assert with_count == without == 1


@pytest.mark.parametrize(
    "document",
    [
        "query ($n: Int!) { clusters(first: $n) { totalCount } }",
        'query ($n: Int!) { cluster(id: "alucluster") { members(first: $n) { totalCount } } }',
    ],
    ids=["clusters", "cluster.members"],
)
@pytest.mark.parametrize("first", [MAX_PAGE_SIZE + 1, -1])
def test_a_page_size_out_of_range_is_bad_user_input(
    intranet: Api, document: str, first: int
) -> None:
    assert intranet.codes(document, {"n": first}) == ["BAD_USER_INPUT"]
    assert intranet.data(document, {"n": MAX_PAGE_SIZE})  # the largest page is fine


def test_nodes_takes_at_most_a_page_of_ids(intranet: Api) -> None:
    ids = [global_id(Label.TOPIC, f"t-{i}") for i in range(MAX_PAGE_SIZE + 1)]
    body = answer(intranet, "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ("{ clusters(first: 0) { %s } }", ["clusters"]),
        ('{ cluster(id: "alucluster") { members(first: 0) { %s } } }', ["cluster", "members"]),
    ],
    ids=["clusters", "cluster.members"],
)
def test_first_0_gives_an_empty_page_that_says_there_is_more(
    intranet: Api, document: str, path: list[str]
) -> None:
    page: Any = intranet.data(
        document % "totalCount edges { cursor } pageInfo { hasNextPage hasPreviousPage"
        " startCursor endCursor }"
    )
    for key in path:
        page = page[key]
    assert page["totalCount"] > 0
    assert page["edges"] == []
    assert page["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


def test_first_0_of_an_empty_list_says_there_is_no_more(intranet: Api) -> None:
    page = intranet.data(
        "{ initiatives(first: 0, where: {status: CONCLUDED}) { pageInfo { hasNextPage } } }"
    )
    assert page["initiatives"]["pageInfo"] == {"hasNextPage": False}
