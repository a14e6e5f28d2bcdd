"""An organisation: its clusters, people (with their roles), projects, initiatives."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page, record
from crm.web.paging import Numbered

OPERATIONS = Operations.beside(__file__)
PEOPLE_PAGE = 25


async def organization(request: Request) -> Response:
    page = await Page.open(request)
    people = Numbered.of(request, "people", PEOPLE_PAGE, page.site.runner.settings.max_page_size)
    variables = {"id": request.path_params["id"], "editor": page.editor, "people": people.first}
    found = record(await page.query(OPERATIONS, "OrganizationPage", variables), "organization")
    return page.render(
        "organization.html",
        org=found,
        people=people.rows(found["people"]),
        people_pages=people.links(found["people"]),
    )


routes = [Route("/{lang}/organisations/{id}", organization, methods=["GET"])]
