"""Recording an interaction between two people (editors): who reached out, to whom, the kind, the
date and a note. Both people are picked by typing their names (``pick``); the person page's
"Record an interaction" link fills in the first (``?with=<record id>``). On success the visitor
goes to the first person's page, where the interaction is listed (and on the other's)."""

from datetime import date

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
KINDS = ("MEETING", "CALL", "EMAIL", "INTRODUCTION")
LABELS = {
    "from": N_("Who reached out"),
    "to": N_("To whom"),
    "kind": N_("Kind of interaction"),
    "date": N_("Date"),
    "note": N_("Note"),
}
FIELDS = {
    ("from",): "from",
    ("to",): "to",
    ("interaction", "kind"): "kind",
    ("interaction", "date"): "date",
    ("interaction", "note"): "note",
}
"""Where the API's errors (by their input path) are shown."""


async def new(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    form = page.form(LABELS).fill({"date": date.today().isoformat()})
    if with_id := request.query_params.get("with"):
        preset(form, "from", await of_record(page, Kind.PERSON, with_id))
    return _show(page, form)


async def record(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    form = await page.posted(LABELS)
    source, source_choices = await pick(page, form, "from", Kind.PERSON)
    target, target_choices = await pick(page, form, "to", Kind.PERSON)
    kind = form.choice("kind", KINDS, required=True)
    day = form.date("date", required=True)
    if form.valid and source and target and kind and day:
        interaction = {"kind": kind, "date": day, "note": form.text("note")}
        variables = {"from": source.id, "to": target.id, "interaction": interaction}
        if await page.save(OPERATIONS, "RecordInteraction", variables, form, FIELDS):
            return page.redirect(record_path("Person", source.record_id), "recorded")
    choices = {"from": source_choices, "to": target_choices}
    return _show(page, form, choices, STATUS)


def _show(
    page: Page, form: Form, choices: dict[str, list[Choice]] | None = None, status: int = 200
) -> Response:
    return page.render(
        "interaction_form.html",
        status,
        form=form,
        kinds=page.options(KINDS),
        choices=choices or {},
    )


routes = [
    Route("/{lang}/new/interaction", new, methods=["GET"]),
    Route("/{lang}/new/interaction", record, methods=["POST"]),
]
