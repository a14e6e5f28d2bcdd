"""The explorer's page and its JSON and file routes in-process, on the demo: the view in the page
and its tables, expansion (a form with its CSRF token), search, exports by the visitor's role,
and bad input (an unknown centre, a view over the limit, a mistyped parameter)."""

import json
import re

from crm.keys import Role
from tests.api.conftest import Api
from tests.web.signing import sign_in

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def view_in(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="explorer-data">(.*?)</script>', html)
    assert found is not None, "the page holds no view"
    view: dict[str, object] = json.loads(found[1])
    return view


def test_the_page_holds_the_view_and_its_tables(site: Api) -> None:
    response = site.client.get("/en/explore", params={"center": "p-michael-nedergaard"})
    assert response.status_code == 200
    view = view_in(response.text)
    assert (len(view["nodes"]), len(view["edges"])) == (19, 27)  # type: ignore[arg-type]
    assert "/en/people/p-michael-nedergaard" in {n["href"] for n in view["nodes"]}  # type: ignore[attr-defined]
    assert response.text.count("<tr><td>") == 19 + 27
    assert "/en/explore/export.gexf?center=p-michael-nedergaard" in response.text


def test_filters_sent_empty_mean_all(site: Api) -> None:
    response = site.client.get(
        "/de/explore",
        params={"center": "alucluster", "depth": "2", "sector": "", "tieKind": "", "asOf": ""},
    )
    assert response.status_code == 200
    view = view_in(response.text)
    assert (len(view["nodes"]), len(view["edges"])) == (40, 70)  # type: ignore[arg-type]


def test_an_unknown_centre_is_a_404_page_in_the_language(site: Api) -> None:
    response = site.client.get("/de/explore", params={"center": "p-nobody"})
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.text


def test_a_view_over_the_limit_says_the_limit_and_how_to_narrow(site: Api) -> None:
    response = site.client.get(
        "/da/explore", params={"center": "p-michael-nedergaard", "depth": "3", "limit": "50"}
    )
    assert response.status_code == 400
    assert "mere end 50 knuder" in response.text
    assert "mindre dybde" in response.text
    assert 'id="explorer-data"' not in response.text


def test_a_mistyped_parameter_is_said_so(site: Api) -> None:
    response = site.client.get("/en/explore", params={"center": "alucluster", "depth": "two"})
    assert response.status_code == 400
    assert "depth must be an integer" in response.text


def test_expanding_needs_the_form_s_token_and_adds_the_neighbours(site: Api) -> None:
    page = site.client.get("/en/explore", params={"center": "alucluster"})
    view = view_in(page.text)
    shown = [node["id"] for node in view["nodes"]]  # type: ignore[attr-defined]
    michael = next(n["id"] for n in view["nodes"] if n["name"] == "Michael Nedergaard")  # type: ignore[attr-defined]
    fields = {"center": "alucluster", "of": michael, "shown": shown}
    refused = site.client.post("/en/explore/expand.json", data=fields)
    assert refused.status_code == 403
    token = re.search(r'data-csrf="([^"]+)"', page.text)
    assert token is not None
    answer = site.client.post("/en/explore/expand.json", data=fields | {"csrf": token[1]})
    assert answer.status_code == 200
    found = answer.json()
    assert len([n for n in found["nodes"] if n["depth"] == 1]) == 17  # his contacts
    assert len(found["edges"]) == 35


def test_search_finds_people_and_clusters(site: Api) -> None:
    found = site.client.get("/en/explore/find.json", params={"q": "alu"}).json()
    assert "AluCluster" in {record["name"] for record in found}
    assert site.client.get("/en/explore/find.json", params={"q": "a"}).json() == []


def test_exports_follow_the_visitor_s_role(site: Api) -> None:
    query = {"center": "p-michael-nedergaard", "size": "betweenness", "x": "ignored"}
    reader = site.client.get("/en/explore/export.nodes.csv", params=query)
    assert reader.status_code == 200
    assert reader.headers["content-disposition"].startswith("attachment")
    assert len(reader.text.strip().splitlines()) == 1 + 19
    assert EMAIL.search(reader.text) is None
    sign_in(site.client, site.keys[Role.EDITOR].token)
    try:
        signed = site.client.get("/en/explore/export.nodes.csv", params=query)
    finally:
        site.client.cookies.clear()  # anonymous again, for the other tests
    assert EMAIL.search(signed.text) is not None
    assert site.client.get("/en/explore/export.pdf", params=query).status_code == 404


def test_the_profiles_link_to_the_explorer(site: Api) -> None:
    for path in ("/en/people/p-michael-nedergaard", "/en/clusters/alucluster"):
        page = site.client.get(path).text
        assert re.search(r'href="/en/explore\?center=[^"]+"', page), path
