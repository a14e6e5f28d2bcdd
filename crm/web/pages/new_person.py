"""Creating a person (editors): name, title, country, e-mail, phone, languages, and the lawful
basis (GDPR art. 6(1)) on which the CRM holds their data, with its date. On success the visitor
goes to the person's page."""

from datetime import date

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
BASES = (
    "CONSENT",
    "CONTRACT",
    "LEGAL_OBLIGATION",
    "VITAL_INTERESTS",
    "PUBLIC_TASK",
    "LEGITIMATE_INTERESTS",
)
LANGUAGES = ("DE", "DA", "EN")
LABELS = {
    "givenName": N_("Given name"),
    "familyName": N_("Family name"),
    "title": N_("Title or position"),
    "country": N_("Country"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "languages": N_("Languages"),
    "consentBasis": N_("Lawful basis"),
    "consentDate": N_("Basis given on"),
}
FIELDS = {
    ("input", "givenName"): "givenName",
    ("input", "familyName"): "familyName",
    ("input", "title"): "title",
    ("input", "country"): "country",
    ("input", "email"): "email",
    ("input", "phone"): "phone",
    ("input", "languages"): "languages",
    ("input", "consent"): "consentBasis",
    ("input", "consent", "date"): "consentDate",
}
"""Where the API's errors (by their input path) are shown."""


async def new(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    return _show(page, page.form(LABELS).fill({"consentDate": date.today().isoformat()}))


async def create(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    form = await page.posted(LABELS)
    countries = [code for code, _ in Formats(page.lang).countries()]
    country = form.choice("country", countries, required=True)
    languages = form.choices("languages", LANGUAGES)
    basis = form.choice("consentBasis", BASES, required=True)
    since = form.date("consentDate", required=True)
    if form.valid and country and basis and since:
        person = {
            "givenName": form.required("givenName"),
            "familyName": form.required("familyName"),
            "title": form.text("title"),
            "country": country,
            "email": form.text("email"),
            "phone": form.text("phone"),
            "languages": languages,
            "consent": {"basis": basis, "date": since},
        }
        if saved := await page.save(OPERATIONS, "CreatePerson", {"input": person}, form, FIELDS):
            return page.redirect(record_path("Person", saved["person"]["recordId"]), "created")
    return _show(page, form, STATUS)


def _show(page: Page, form: Form, status: int = 200) -> Response:
    fmt = Formats(page.lang)
    return page.render(
        "person_form.html",
        status,
        form=form,
        countries=fmt.countries(),
        spoken=[(code, fmt.language(code)) for code in LANGUAGES],
        bases=page.options(BASES),
    )


routes = [
    Route("/{lang}/new/person", new, methods=["GET"]),
    Route("/{lang}/new/person", create, methods=["POST"]),
]
