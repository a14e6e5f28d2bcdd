"""The web site through the real app in-process: routing, languages, headers, escaping, what
each role sees, and how few store round trips a page costs."""

import gzip
import re
from collections.abc import Iterator

import pytest

from crm.config import Settings
from crm.keys import Role
from crm.web.assets import IMMUTABLE
from tests.api.conftest import Api, serve

FACTS = {
    "en": ["3", "2", "7", "171", "295,578\xa0EUR", "65%"],
    "de": ["3", "2", "7", "171", "295.578\xa0EUR", "65\xa0%"],
    "da": ["3", "2", "7", "171", "295.578\xa0EUR", "65\xa0%"],
}
PAGES = [
    "/{lang}/",
    "/{lang}/clusters",
    "/{lang}/clusters?country=DK&sector=sector-health",
    "/{lang}/clusters?q=aluminium",
    "/{lang}/clusters/alucluster",
    "/{lang}/organisations/org-eksempel-aluprofiler",
    "/{lang}/people/p-michael-nedergaard",
    "/{lang}/events/ev-intranet-workshop-1",
    "/{lang}/initiatives/ini-welfare-tech-testbed",
    "/{lang}/projects/intranet",
    "/{lang}/topics/topic-open-innovation",
    "/{lang}/search?q=sundhed",
    "/{lang}/dashboard",
]
HOSTILE = "<script>alert(1)</script>"


def main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, re.S)
    assert found is not None
    return found[0]


def figures(html: str) -> list[tuple[str, str]]:
    """The ``<dt>``/``<dd>`` pairs of a page's figures."""
    return re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", html)


@pytest.mark.parametrize("lang", ["de", "da", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_in_every_language(site: Api, path: str, lang: str) -> None:
    response = site.client.get(path.format(lang=lang))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<html lang="{lang}">' in response.text
    for other in ("de", "da", "en", "x-default"):
        assert f'hreflang="{other}"' in response.text


@pytest.mark.parametrize("lang", ["de", "da", "en"])
def test_the_home_page_has_the_demo_s_outcomes_formatted_per_language(site: Api, lang: str) -> None:
    html = site.client.get(f"/{lang}/").text
    project = re.search(r'href="/\w\w/projects/intranet".*?</article>', html, re.S)
    assert project is not None

    values = [value for _, value in figures(project[0])]

    assert values == FACTS[lang]


def test_the_home_page_counts_the_network(site: Api) -> None:
    pairs = dict(figures(site.client.get("/en/").text))

    assert pairs["Clusters"] == "14"
    assert pairs["Organisations"] == "72"
    assert pairs["People"] == "172"
    assert pairs["Cross-border ties"] == "145"


def test_labels_follow_the_language(site: Api) -> None:
    german = site.client.get("/de/clusters/alucluster").text
    danish = site.client.get("/da/clusters/alucluster").text

    assert "Mitgliedsorganisationen" in german
    assert "Medlemsorganisationer" in danish
    assert "Dänemark" in german
    assert "Danmark" in danish


def test_a_record_s_text_falls_back_to_another_language_marked_as_such(site: Api) -> None:
    danish = main(site.client.get("/da/clusters/alucluster").text)  # AluCluster has de and en
    german = main(site.client.get("/de/clusters/alucluster").text)

    assert '<p lang="en">Cluster named in the article' in danish
    assert "(på engelsk)" in danish
    assert "<p>In dem Artikel genannter Cluster" in german
    assert "(auf" not in german


def test_root_negotiates_the_language(site: Api) -> None:
    answers = {
        header: site.client.get("/", headers={"accept-language": header}, follow_redirects=False)
        for header in ("da-DK,da;q=0.9,en;q=0.5", "de-AT", "fr-FR, en;q=0.3", "fr", "")
    }

    locations = {header: answer.headers["location"] for header, answer in answers.items()}
    assert locations == {
        "da-DK,da;q=0.9,en;q=0.5": "/da/",
        "de-AT": "/de/",
        "fr-FR, en;q=0.3": "/en/",
        "fr": "/en/",
        "": "/en/",
    }
    assert all(answer.status_code == 302 for answer in answers.values())
    assert all("Accept-Language" in answer.headers["vary"] for answer in answers.values())


def test_the_language_switch_keeps_the_page_and_its_query(site: Api) -> None:
    html = site.client.get("/en/clusters?country=DK&q=energi").text

    assert 'href="/da/clusters?country=DK&amp;q=energi" hreflang="da"' in html
    assert 'href="/de/clusters?country=DK&amp;q=energi" hreflang="de"' in html


@pytest.mark.parametrize(
    ("path", "lang"),
    [
        ("/da/clusters/no-such-cluster", "da"),
        ("/de/people/no-such-person", "de"),
        ("/en/nowhere", "en"),
        ("/fr/clusters", "da"),  # an unknown language: the browser's
        ("/xx", "da"),
    ],
)
def test_unknown_pages_answer_404_in_the_visitor_s_language(
    site: Api, path: str, lang: str
) -> None:
    response = site.client.get(path, headers={"accept-language": "da"})

    assert response.status_code == 404
    assert f'<html lang="{lang}">' in response.text
    assert f'href="/{lang}/"' in main(response.text)  # a way back
    assert "Traceback" not in response.text


def test_every_html_answer_has_the_security_headers(site: Api) -> None:
    for path in ("/en/", "/en/clusters/alucluster", "/en/nowhere"):
        headers = site.client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self';" in policy
        assert "style-src 'self';" in policy
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["permissions-policy"]


def test_templates_have_no_inline_scripts_or_styles(site: Api) -> None:
    for path in PAGES:
        html = site.client.get(path.format(lang="en")).text
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/ld\+json\"))", html)
        assert " style=" not in html
        assert "<style" not in html
        assert not re.search(r"<[^>]+\son[a-z]+=", html)  # no event handler attributes


def test_static_files_are_served_under_hashed_names_for_a_year(site: Api) -> None:
    html = site.client.get("/en/").text
    found = re.search(r'href="(/static/app\.[0-9a-f]{10}\.css)"', html)
    assert found is not None

    hashed = site.client.get(found[1])
    plain = site.client.get("/static/app.css")
    unknown = site.client.get("/static/app.0000000000.css")

    assert hashed.status_code == 200
    assert hashed.headers["cache-control"] == IMMUTABLE
    assert hashed.headers["content-type"].startswith("text/css")
    assert plain.headers["cache-control"] == "no-cache"
    assert unknown.status_code == 404


def test_pages_and_assets_are_compressed(site: Api) -> None:
    page = site.client.get("/en/clusters/alucluster", headers={"accept-encoding": "gzip"})
    raw = site.client.stream("GET", "/en/", headers={"accept-encoding": "gzip"})
    with raw as response:
        body = b"".join(response.iter_raw())

    assert page.headers["content-encoding"] == "gzip"
    assert gzip.decompress(body).startswith(b"<!doctype html>")
    assert len(body) < 100_000


def test_a_record_named_with_html_is_shown_as_text(site: Api) -> None:
    created = site.data(
        'mutation($name: String!) { createTopic(input: {name: $name, recordId: "t-html"}) '
        "{ errors { message } } }",
        {"name": HOSTILE},
    )
    assert created["createTopic"]["errors"] == []

    html = site.client.get("/en/topics/t-html").text
    found = site.client.get("/en/search?q=alert").text

    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE not in found


def test_the_json_ld_cannot_end_its_script(site: Api) -> None:
    site.data(
        'mutation { updateCluster(id: "cl-demosund-maritim", input: {specialties: '
        '["</script><script>alert(1)</script>"]}) { errors { message } } }'
    )

    html = site.client.get("/en/clusters/cl-demosund-maritim").text
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)

    assert script is not None
    assert "<" not in script[1]
    assert "\\u003c/script\\u003e" in script[1]


def test_a_reader_sees_no_e_mail_or_phone_of_people(site: Api) -> None:
    person = main(site.client.get("/en/people/p-michael-nedergaard").text)
    cluster = main(site.client.get("/en/clusters/alucluster").text)

    assert "mailto:" not in person
    assert "Phone" not in person
    assert "Note</th>" not in person
    assert "mailto:info@alucluster.example" in cluster  # the cluster's own contact is public


@pytest.fixture(scope="module")
def as_editor(site: Api, site_settings: Settings) -> Iterator[Api]:
    """A second app on the same store, whose anonymous visitors are editors."""
    yield from serve(site_settings.model_copy(update={"anonymous_role": Role.EDITOR}))


def test_an_editor_sees_e_mail_phone_and_notes(as_editor: Api) -> None:
    html = main(as_editor.client.get("/en/people/p-jana-fiktivberg").text)

    assert "<dt>E-mail</dt>" in html
    assert "Note</th>" in html


def test_a_page_costs_one_operation(site: Api) -> None:
    """The profile's one operation compiles: a statement per top-level field."""
    before = site.store.reads
    assert site.client.get("/en/clusters/alucluster").status_code == 200
    profile = site.store.reads - before
    before = site.store.reads
    assert site.client.get("/en/").status_code == 200
    home = site.store.reads - before

    assert profile == 1
    assert home <= 6


def test_without_an_anonymous_role_pages_ask_to_sign_in(site: Api, site_settings: Settings) -> None:
    settings = site_settings.model_copy(update={"anonymous_role": None})
    for api in serve(settings):
        response = api.client.get("/de/clusters/alucluster")
        assert response.status_code == 401
        assert 'href="/de/sign-in?next=%2Fde%2Fclusters%2Falucluster"' in main(response.text)


def test_search_groups_results_by_type(site: Api) -> None:
    html = main(site.client.get("/en/search?q=sundhed").text)
    clusters = re.search(r'<h2 id="group-Cluster">.*?</section>', html, re.S)

    assert clusters is not None
    assert "Fiktivholm Sundhedsinnovation" in clusters[0]
    assert "Beispielhafen Gesundheitscluster" in clusters[0]
    assert '<h2 id="group-Sector">' in html


def test_a_search_without_words_is_explained(site: Api) -> None:
    response = site.client.get("/de/search?q=%2B%2B")

    assert response.status_code == 200
    assert "Geben Sie mindestens ein Wort" in response.text


def test_search_text_is_not_logged(site: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG"):
        site.client.get("/en/search?q=verysecretword")
        site.client.get("/en/clusters?q=verysecretword")

    ours = [record for record in caplog.records if not record.name.startswith("httpx")]
    assert not [record for record in ours if "verysecretword" in record.getMessage()]


def test_a_cursor_the_api_refuses_gets_a_page_that_says_so(site: Api) -> None:
    response = site.client.get("/da/clusters?after=not-a-cursor")

    assert response.status_code == 400
    assert "Dette link virker ikke" in response.text
    assert 'href="/da/clusters"' in main(response.text)
