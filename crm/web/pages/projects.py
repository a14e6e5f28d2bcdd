"""A project: funding and outcomes (computed by the API), participants, events, documents."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.web.operations import Operations
from crm.web.page import Page, record

OPERATIONS = Operations.beside(__file__)


async def project(request: Request) -> Response:
    page = await Page.open(request)
    variables = {"id": request.path_params["id"]}
    found = record(await page.query(OPERATIONS, "ProjectPage", variables), "project")
    return page.render("project.html", project=found)


routes = [Route("/{lang}/projects/{id}", project, methods=["GET"])]
