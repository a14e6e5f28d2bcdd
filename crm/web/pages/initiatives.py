"""An initiative: the events it emerged from, its partners (with their roles), its sectors."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page, record

OPERATIONS = Operations.beside(__file__)


async def initiative(request: Request) -> Response:
    page = await Page.open(request)
    variables = {"id": request.path_params["id"]}
    found = record(await page.query(OPERATIONS, "InitiativePage", variables), "initiative")
    return page.render("initiative.html", initiative=found)


routes = [Route("/{lang}/initiatives/{id}", initiative, methods=["GET"])]
