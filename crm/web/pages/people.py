"""A person: employers (role, since, until), events attended, interactions. E-mail, phone and
interaction notes only for visitors whose role may read them (editors), as in the API.

Events and interactions are ordered by date, so their cursors hold dates and ids, no names."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page, record
from crm.web.paging import cursor

OPERATIONS = Operations.beside(__file__)


async def person(request: Request) -> Response:
    page = await Page.open(request)
    variables = {
        "id": request.path_params["id"],
        "editor": page.editor,
        "eventsAfter": cursor(request, "events"),
        "interactionsAfter": cursor(request, "interactions"),
    }
    found = record(await page.query(OPERATIONS, "PersonPage", variables), "person")
    return page.render("person.html", person=found)


routes = [Route("/{lang}/people/{id}", person, methods=["GET"])]
