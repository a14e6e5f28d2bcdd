"""An event: its organisers, topics, attendees (paged by number: they are people) and the
initiatives that emerged from it."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page, record
from crm.web.paging import Numbered

OPERATIONS = Operations.beside(__file__)
ATTENDEES_PAGE = 50


async def event(request: Request) -> Response:
    page = await Page.open(request)
    attendees = Numbered.of(
        request, "attendees", ATTENDEES_PAGE, page.site.runner.settings.max_page_size
    )
    variables = {"id": request.path_params["id"], "attendees": attendees.first}
    found = record(await page.query(OPERATIONS, "EventPage", variables), "event")
    return page.render(
        "event.html",
        event=found,
        attendees=attendees.rows(found["attendees"]),
        attendee_pages=attendees.links(found["attendees"]),
    )


routes = [Route("/{lang}/events/{id}", event, methods=["GET"])]
