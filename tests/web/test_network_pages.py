"""The network pages through the real app in-process on the demo: introductions, brokers and
gaps, initiative timelines. Each page shows exactly what the API answers to the same question
(asked here over GraphQL), says so plainly when the answer is empty, and answers bad input with
a page in the visitor's language."""

import re
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.web.test_site import main

PATHS = """query ($from: ID!, $to: ID!, $maxHops: Int!, $asOf: Date) {
  introductionPaths(from: $from, to: $to, maxHops: $maxHops, first: 5, asOf: $asOf) {
    borderCrossings hops { person { recordId } strength }
  }
}"""


def api(site: Api, document: str, **variables: Any) -> Any:
    body = site.post(document, variables).json()
    assert "errors" not in body, body
    return body["data"]


def drawn_paths(html: str) -> list[list[str]]:
    """The people of each path the page draws, in order (the asker first)."""
    paths = re.findall(r'<li class="path">.*?</ol>', main(html), re.S)
    return [
        re.findall(r'class="chain-person"><a href="/\w\w/people/([^"]+)"', path) for path in paths
    ]


@pytest.mark.parametrize("lang", ["de", "da", "en"])
def test_introductions_show_the_api_s_paths_in_order(site: Api, lang: str) -> None:
    asked = {"from": "p-jana-fiktivberg", "to": "alucluster", "maxHops": 3, "asOf": "2016-12-31"}
    expected = api(site, PATHS, **asked)["introductionPaths"]

    response = site.client.get(
        f"/{lang}/introductions",
        params={
            "fromId": "p-jana-fiktivberg",
            "toId": "alucluster",
            "maxHops": 3,
            "asOf": "2016-12-31",
        },
    )

    assert response.status_code == 200, response.text
    assert len(expected) >= 2
    assert drawn_paths(response.text) == [
        ["p-jana-fiktivberg", *(hop["person"]["recordId"] for hop in path["hops"])]
        for path in expected
    ]
    paths = re.findall(r'<li class="path">.*?</ol>', main(response.text), re.S)
    marks = [path.count('class="border-mark"') for path in paths]
    assert marks == [len(path["borderCrossings"]) for path in expected]


def test_introductions_take_names_typed_without_scripts(site: Api) -> None:
    by_name = site.client.get(
        "/en/introductions", params={"from": "Jana Fiktivberg", "to": "AluCluster"}
    )
    by_id = site.client.get(
        "/en/introductions", params={"fromId": "p-jana-fiktivberg", "toId": "alucluster"}
    )

    assert by_name.status_code == 200
    assert drawn_paths(by_name.text) == drawn_paths(by_id.text)
    assert drawn_paths(by_name.text)


def test_introductions_link_each_path_to_the_explorer(site: Api) -> None:
    html = site.client.get(
        "/en/introductions", params={"fromId": "p-jana-fiktivberg", "toId": "p-michael-nedergaard"}
    ).text

    assert "/en/explore?center=p-jana-fiktivberg&amp;center=p-michael-nedergaard" in html


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "No path within 1 hop:"),
        ("de", "Kein Weg mit höchstens 1 Schritt:"),
        ("da", "Ingen vej inden for 1 led"),
    ],
)
def test_no_path_is_said_plainly(site: Api, lang: str, said: str) -> None:
    asked = {"from": "p-jana-fiktivberg", "to": "org-fiktivsen-automation", "maxHops": 1}
    assert api(site, PATHS, **asked)["introductionPaths"] == []

    response = site.client.get(
        f"/{lang}/introductions",
        params={"fromId": "p-jana-fiktivberg", "toId": "org-fiktivsen-automation", "maxHops": 1},
    )

    assert response.status_code == 200
    assert said in response.text
    assert drawn_paths(response.text) == []


def test_the_empty_introductions_form_asks_nothing(site: Api) -> None:
    response = site.client.get("/da/introductions")

    assert response.status_code == 200
    assert 'name="from"' in response.text
    assert 'data-suggest="/da/suggest/readers/targets"' in response.text
    assert 'class="path"' not in response.text


@pytest.mark.parametrize(
    ("params", "status", "said"),
    [
        ({"fromId": "no-such-person", "toId": "alucluster"}, 404, "ikke fundet"),
        ({"fromId": "p-jana-fiktivberg", "toId": "no-such-record"}, 404, "ikke fundet"),
        ({"from": "zzzzqq", "to": "AluCluster"}, 400, "Intet navn indeholder denne tekst."),
        (
            {"fromId": "p-jana-fiktivberg", "toId": "alucluster", "maxHops": "9"},
            400,
            "Vælg en af mulighederne.",
        ),
        (
            {"fromId": "p-jana-fiktivberg", "toId": "alucluster", "asOf": "2016-13-45"},
            400,
            "2026-03-31",
        ),
    ],
)
def test_bad_introduction_requests_get_a_page_in_the_visitor_s_language(
    site: Api, params: dict[str, str], status: int, said: str
) -> None:
    response = site.client.get("/da/introductions", params=params)

    assert response.status_code == status
    assert said in response.text
    assert "Traceback" not in response.text


def test_readers_get_suggestions_for_the_network_pickers(site: Api) -> None:
    targets = site.client.get("/en/suggest/readers/targets?q=alu").json()
    people = site.client.get("/en/suggest/readers/people?q=nedergaard").json()
    organisations = site.client.get("/en/suggest/readers/organisations?q=fiktivsen").json()

    assert "AluCluster" in [found["name"] for found in targets]
    assert [found["name"] for found in people] == ["Michael Nedergaard"]
    assert "Fiktivsen Automation ApS" in [found["name"] for found in organisations]


BROKERS = """query ($organizations: Boolean!, $crossBorder: Boolean!, $asOf: Date) {
  brokers(first: 10, organizations: $organizations, crossBorder: $crossBorder, asOf: $asOf) {
    bridged person { recordId } organization { recordId }
  }
}"""
GAPS = """query ($cluster: ID!, $asOf: Date) {
  lonelyMembers(cluster: $cluster, asOf: $asOf) { organization { recordId } staff { recordId } }
  unmetClusters(asOf: $asOf) { first { recordId } second { recordId } }
}"""
PARTNERS = """query ($organization: ID!) {
  suggestedPartners(organization: $organization, first: 10) {
    organization { recordId } sharedSectors { recordId } sharedEvents { recordId }
    sharedTopics { recordId } commonContacts { recordId }
  }
}"""


def part(html: str, element_id: str) -> str:
    """The element with ``element_id`` (a table or list) of a page's main part."""
    found = re.search(rf'<(\w+) class="[^"]*" id="{element_id}"[^>]*>.*?</\1>', main(html), re.S)
    assert found is not None, element_id
    return found[0]


def records(html: str, kind: str) -> list[str]:
    return re.findall(rf'href="/\w\w/{kind}/([^"]+)"', html)


@pytest.mark.parametrize(
    ("query", "organizations", "cross_border", "as_of"),
    [
        ({}, False, False, None),
        (
            {"by": "organisations", "crossBorder": "1", "asOf": "2014-01-01"},
            True,
            True,
            "2014-01-01",
        ),
    ],
)
def test_brokers_are_the_api_s_in_its_order(
    site: Api, query: dict[str, str], organizations: bool, cross_border: bool, as_of: str | None
) -> None:
    expected = api(
        site, BROKERS, organizations=organizations, crossBorder=cross_border, asOf=as_of
    )["brokers"]

    table = part(site.client.get("/en/brokers", params=query).text, "brokers")

    rows = re.findall(r"<tr>.*?</tr>", table, re.S)
    brokers = [re.search(r'<th scope="row"[^>]*><a href="/en/\w+/([^"]+)"', row) for row in rows]
    assert [found[1] for found in brokers if found] == [
        (broker["person"] or broker["organization"])["recordId"] for broker in expected
    ]
    assert len(expected) == 10


def test_lonely_members_and_unmet_clusters_are_the_api_s(site: Api) -> None:
    expected = api(site, GAPS, cluster="alucluster", asOf="2012-06-01")
    assert expected["lonelyMembers"]
    assert expected["unmetClusters"]

    html = site.client.get(
        "/da/brokers", params={"cluster": "alucluster", "asOf": "2012-06-01"}
    ).text

    lonely = re.findall(r"<li>.*?</li>", part(html, "lonely"), re.S)
    assert [(records(member, "organisations"), records(member, "people")) for member in lonely] == [
        ([member["organization"]["recordId"]], [person["recordId"] for person in member["staff"]])
        for member in expected["lonelyMembers"]
    ]
    assert records(part(html, "unmet"), "clusters") == [
        cluster["recordId"]
        for pair in expected["unmetClusters"]
        for cluster in (pair["first"], pair["second"])
    ]


@pytest.mark.parametrize(
    ("lang", "lonely", "unmet"),
    [
        (
            "en",
            "Nobody is lonely: every member of AluCluster",
            "Every pair of clusters in a sector in common has met.",
        ),
        (
            "de",
            "Niemand ist allein: Jedes Mitglied von AluCluster",
            "Alle Cluster-Paare in einer gemeinsamen Branche sind sich begegnet.",
        ),
        (
            "da",
            "Ingen står alene: alle medlemmer af AluCluster",
            "Alle par af klynger i en fælles sektor har mødtes.",
        ),
    ],
)
def test_no_gaps_are_said_plainly(site: Api, lang: str, lonely: str, unmet: str) -> None:
    expected = api(site, GAPS, cluster="alucluster", asOf=None)
    assert expected == {"lonelyMembers": [], "unmetClusters": []}

    html = site.client.get(f"/{lang}/brokers", params={"cluster": "alucluster"}).text

    assert lonely in html
    assert unmet in html


def test_partner_suggestions_are_the_api_s_with_their_grounds(site: Api) -> None:
    expected = api(site, PARTNERS, organization="org-fiktivsen-automation")["suggestedPartners"]
    assert expected

    html = site.client.get("/de/brokers", params={"organisation": "Fiktivsen Automation"}).text

    suggestions = re.findall(r"<li>\s*<h3>.*?</ul>", part(html, "partners"), re.S)
    assert [records(found, "organisations")[0] for found in suggestions] == [
        suggestion["organization"]["recordId"] for suggestion in expected
    ]
    grounds = [found.count("<li>") - 1 for found in suggestions]
    assert grounds == [
        sum(
            len(suggestion[key])
            for key in ("sharedSectors", "sharedEvents", "sharedTopics", "commonContacts")
        )
        for suggestion in expected
    ]
    assert "beide in der Branche" in html


@pytest.mark.parametrize(
    ("params", "status", "said"),
    [
        ({"cluster": "no-such-cluster"}, 404, "Seite nicht gefunden"),
        ({"sector": "no-such-sector"}, 404, "Seite nicht gefunden"),
        ({"organisationId": "no-such-organisation"}, 404, "Seite nicht gefunden"),
        ({"by": "everyone"}, 400, "Wählen Sie eine der angebotenen Möglichkeiten."),
        ({"asOf": "gestern"}, 400, "2026-03-31"),
        ({"organisation": "zzzzqq"}, 400, "Keine Organisation enthält diesen Text im Namen."),
    ],
)
def test_bad_broker_requests_get_a_page_in_the_visitor_s_language(
    site: Api, params: dict[str, str], status: int, said: str
) -> None:
    response = site.client.get("/de/brokers", params=params)

    assert response.status_code == status
    assert said in response.text
    assert "Traceback" not in response.text


LINEAGE = """query ($id: ID!) {
  initiative(id: $id) { lineage { timeline { date kind event { recordId } } } }
  project(id: "intranet") {
    initiatives { recordId lineage { timeline { date event { recordId } } } }
  }
}"""


def timeline_entries(html: str, initiative: str) -> list[tuple[str, str | None]]:
    """The (date, event) entries of an initiative's list on a timeline page, in order."""
    listed = part(html, f"timeline-{initiative}")
    entries = re.findall(
        r"<li class=\"(?:started|emerged)\">.*?</li>\s*(?=<li class|</ol>)", listed, re.S
    )
    found = []
    for entry in entries:
        day = re.search(r'<time datetime="([^"]+)"', entry)
        event = re.search(r'class="timeline-event" href="/\w\w/events/([^"]+)"', entry)
        assert day is not None
        found.append((day[1], event[1] if event else None))
    return found


@pytest.mark.parametrize("lang", ["de", "da", "en"])
def test_an_initiative_s_timeline_is_its_lineage_in_date_order(site: Api, lang: str) -> None:
    initiative = "ini-care-logistics"
    expected = api(site, LINEAGE, id=initiative)["initiative"]["lineage"]["timeline"]

    response = site.client.get(f"/{lang}/initiatives/{initiative}/timeline")

    assert response.status_code == 200
    entries = timeline_entries(response.text, initiative)
    assert entries == [
        (entry["date"], entry["event"]["recordId"] if entry["event"] else None)
        for entry in expected
    ]
    assert len(entries) >= 2
    assert [day for day, _ in entries] == sorted(day for day, _ in entries)
    assert '<svg class="timeline-axis"' in response.text
    assert 'role="img" aria-labelledby="timeline-title timeline-desc"' in response.text


def test_a_project_s_initiatives_stand_side_by_side(site: Api) -> None:
    expected = api(site, LINEAGE, id="ini-care-logistics")["project"]["initiatives"]

    html = site.client.get("/en/projects/intranet/timeline").text

    lanes = re.findall(r'<section class="lane" aria-labelledby="entries-([^"]+)"', html)
    assert lanes == [initiative["recordId"] for initiative in expected]
    assert len(lanes) == 7
    for initiative in expected:
        assert [event for _, event in timeline_entries(html, initiative["recordId"])] == [
            entry["event"]["recordId"] if entry["event"] else None
            for entry in initiative["lineage"]["timeline"]
        ]


def test_the_initiative_and_project_pages_link_their_timelines(site: Api) -> None:
    project = site.client.get("/en/projects/intranet").text
    initiative = site.client.get("/en/initiatives/ini-welfare-tech-testbed").text

    assert 'href="/en/projects/intranet/timeline"' in project
    assert 'href="/en/initiatives/ini-welfare-tech-testbed/timeline"' in initiative


@pytest.mark.parametrize(
    "path", ["/da/initiatives/no-such-initiative/timeline", "/da/projects/no-such-project/timeline"]
)
def test_an_unknown_timeline_is_not_found_in_the_visitor_s_language(site: Api, path: str) -> None:
    response = site.client.get(path)

    assert response.status_code == 404
    assert "Siden blev ikke fundet" in response.text


def test_profiles_link_to_the_network_pages_with_one_end_filled_in(site: Api) -> None:
    person = site.client.get("/en/people/p-michael-nedergaard").text
    cluster = site.client.get("/en/clusters/alucluster").text
    organisation = site.client.get("/en/organisations/org-fiktivsen-automation").text
    assert 'href="/en/introductions?fromId=p-michael-nedergaard"' in person
    assert 'href="/en/introductions?toId=alucluster"' in cluster
    assert 'href="/en/brokers?cluster=alucluster#lonely-title"' in cluster
    assert (
        'href="/en/brokers?organisationId=org-fiktivsen-automation#partners-title"' in organisation
    )

    opened = site.client.get("/en/introductions?fromId=p-michael-nedergaard")

    assert opened.status_code == 200
    assert 'name="from" type="text" value="Michael Nedergaard"' in opened.text
    assert 'name="to" type="text" value=""' in opened.text
    assert "field-error" not in opened.text
    assert 'class="path"' not in opened.text
