"""The web's pages and the caps on network questions: the home page asks some of every visitor,
so pages wait for a place instead of being refused; a page whose question runs out of its
budget is a "too busy" page (503, ``Retry-After``), not an error."""

from concurrent.futures import ThreadPoolExecutor

from crm.config import Settings
from tests.api.conftest import serve

VISITORS = 6


def test_visitors_of_the_home_page_wait_for_a_place_among_the_network_questions(
    site_settings: Settings,
) -> None:
    settings = site_settings.model_copy(update={"max_expensive_anonymous": 1})
    for api in serve(settings):
        with ThreadPoolExecutor(VISITORS) as pool:
            pages = list(pool.map(api.client.get, ["/en/"] * VISITORS))

        assert [page.status_code for page in pages] == [200] * VISITORS


def test_a_page_past_its_budget_says_the_site_is_busy(site_settings: Settings) -> None:
    settings = site_settings.model_copy(update={"budget_anonymous_ms": 1})
    for api in serve(settings):
        english = api.client.get("/en/", headers={"accept": "text/html"})
        german = api.client.get("/de/", headers={"accept": "text/html"})

        assert english.status_code == 503
        assert english.headers["retry-after"] == "5"
        assert "Too busy right now" in english.text
        assert german.status_code == 503
        assert "Gerade zu beschäftigt" in german.text
