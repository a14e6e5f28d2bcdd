"""Creating an organisation (editors): name, kind, country, city, VAT id, website, and a
description in German, Danish and English. On success the visitor goes to its page."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.keys import Role
from crm.web.forms import STATUS, Form
from crm.web.i18n import N_, Formats
from crm.web.links import record_path
from crm.web.operations import Operations
from crm.web.page import Page

OPERATIONS = Operations.beside(__file__)
KINDS = ("COMPANY", "UNIVERSITY", "PUBLIC_BODY", "ASSOCIATION")
LABELS = {
    "name": N_("Name"),
    "kind": N_("Kind of organisation"),
    "country": N_("Country"),
    "city": N_("City"),
    "vatId": N_("VAT id"),
    "website": N_("Website"),
    "descriptionDe": N_("Description in German"),
    "descriptionDa": N_("Description in Danish"),
    "descriptionEn": N_("Description in English"),
}
FIELDS = {
    ("input", "name"): "name",
    ("input", "kind"): "kind",
    ("input", "country"): "country",
    ("input", "city"): "city",
    ("input", "vatId"): "vatId",
    ("input", "website"): "website",
    ("input", "description"): "descriptionDe",
    ("input", "description", "de"): "descriptionDe",
    ("input", "description", "da"): "descriptionDa",
    ("input", "description", "en"): "descriptionEn",
}
"""Where the API's errors (by their input path) are shown."""


async def new(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    return _show(page, page.form(LABELS))


async def create(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    form = await page.posted(LABELS)
    kind = form.choice("kind", KINDS, required=True)
    countries = [code for code, _ in Formats(page.lang).countries()]
    country = form.choice("country", countries, required=True)
    if form.valid and kind and country:
        organization = {
            "name": form.required("name"),
            "kind": kind,
            "country": country,
            "city": form.text("city"),
            "vatId": form.text("vatId"),
            "website": form.text("website"),
            "description": form.localized("description"),
        }
        variables = {"input": organization}
        if saved := await page.save(OPERATIONS, "CreateOrganization", variables, form, FIELDS):
            path = record_path("Organization", saved["organization"]["recordId"])
            return page.redirect(path, "created")
    return _show(page, form, STATUS)


def _show(page: Page, form: Form, status: int = 200) -> Response:
    return page.render(
        "organization_form.html",
        status,
        form=form,
        kinds=page.options(KINDS),
        countries=Formats(page.lang).countries(),
    )


routes = [
    Route("/{lang}/new/organisation", new, methods=["GET"]),
    Route("/{lang}/new/organisation", create, methods=["POST"]),
]
