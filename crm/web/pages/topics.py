"""A topic: its name in the page's language, and the events that covered it."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page, record
from crm.web.paging import cursor

OPERATIONS = Operations.beside(__file__)


async def topic(request: Request) -> Response:
    page = await Page.open(request)
    variables = {"id": request.path_params["id"], "after": cursor(request)}
    found = record(await page.query(OPERATIONS, "TopicPage", variables), "topic")
    return page.render("topic.html", topic=found, paged=cursor(request) is not None)


routes = [Route("/{lang}/topics/{id}", topic, methods=["GET"])]
