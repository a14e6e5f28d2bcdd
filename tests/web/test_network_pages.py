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

    assert "/en/explore?focus=p-jana-fiktivberg&amp;focus=p-michael-nedergaard" in html


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "No path within 1 hops"),
        ("de", "Kein Weg mit höchstens 1 Schritten"),
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
