"""Linking a person to an organisation or cluster they work at (editors): the role and, if
known, since and until when. Both ends are picked by typing their names (``pick``); the person
page's and the organisation page's links fill one in (``?person=`` / ``?at=<record id>``).
Linking a person who already works there changes the job's role and dates. On success the
visitor goes to the person's page."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.keys import Role
from crm.web.forms import STATUS, Form
from crm.web.i18n import N_
from crm.web.links import record_path
from crm.web.operations import Operations
from crm.web.page import Page
from crm.web.pages.pick import Choice, Kind, of_record, pick, preset

OPERATIONS = Operations.beside(__file__)
LABELS = {
    "person": N_("Person"),
    "employer": N_("Organisation or cluster"),
    "role": N_("Role"),
    "since": N_("Since"),
    "until": N_("Until"),
}
FIELDS = {
    ("from",): "person",
    ("to",): "employer",
    ("properties", "role"): "role",
    ("properties", "since"): "since",
    ("properties", "until"): "until",
    ("properties",): "until",
}
"""Where the API's errors (by their input path) are shown; the job as a whole is refused only
for ending before it began."""


async def new(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    form = page.form(LABELS)
    if person := request.query_params.get("person"):
        preset(form, "person", await of_record(page, Kind.PERSON, person))
    if employer := request.query_params.get("at"):
        preset(form, "employer", await of_record(page, Kind.EMPLOYER, employer))
    return _show(page, form)


async def link(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    form = await page.posted(LABELS)
    person, person_choices = await pick(page, form, "person", Kind.PERSON)
    employer, employer_choices = await pick(page, form, "employer", Kind.EMPLOYER)
    since = form.date("since")
    until = form.date("until")
    if form.valid and person and employer:
        properties = {"role": form.text("role"), "since": since, "until": until}
        variables = {"from": person.id, "to": employer.id, "properties": properties}
        if await page.save(OPERATIONS, "LinkWorksAt", variables, form, FIELDS):
            return page.redirect(record_path("Person", person.record_id), "linked")
    return _show(page, form, {"person": person_choices, "employer": employer_choices}, STATUS)


def _show(
    page: Page, form: Form, choices: dict[str, list[Choice]] | None = None, status: int = 200
) -> Response:
    return page.render("job_form.html", status, form=form, choices=choices or {})


routes = [
    Route("/{lang}/new/job", new, methods=["GET"]),
    Route("/{lang}/new/job", link, methods=["POST"]),
]
