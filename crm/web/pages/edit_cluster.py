"""Editing a cluster's profile (editors): its name, specialties, services and technologies (one
a line, or separated by commas), its description in German, Danish and English side by side,
and its office's contact. On success the visitor goes back to the profile."""

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from crm.keys import Role
from crm.web.forms import STATUS, Form
from crm.web.i18n import N_
from crm.web.links import record_path
from crm.web.operations import Operations
from crm.web.page import Page, record

OPERATIONS = Operations.beside(__file__)
LISTS = ("specialties", "services", "technologies")
CONTACT = ("email", "phone", "website", "address")
LABELS = {
    "name": N_("Name"),
    "specialties": N_("Specialties"),
    "services": N_("Services"),
    "technologies": N_("Technologies"),
    "descriptionDe": N_("Description in German"),
    "descriptionDa": N_("Description in Danish"),
    "descriptionEn": N_("Description in English"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "website": N_("Website"),
    "address": N_("Address"),
}
FIELDS: dict[tuple[str, ...], str] = {
    ("input", "name"): "name",
    **{("input", name): name for name in LISTS},
    ("input", "description"): "descriptionDe",
    ("input", "description", "de"): "descriptionDe",
    ("input", "description", "da"): "descriptionDa",
    ("input", "description", "en"): "descriptionEn",
    ("input", "contact"): "email",
    **{("input", "contact", name): name for name in CONTACT},
}
"""Where the API's errors (by their input path) are shown."""


async def edit(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    cluster = await _cluster(page)
    texts = cluster.get("description") or {}
    contact = cluster.get("contact") or {}
    form = page.form(LABELS).fill(
        {
            "name": cluster["name"],
            **{name: cluster[name] for name in LISTS},
            **{f"description{lang.capitalize()}": texts.get(lang) for lang in ("de", "da", "en")},
            **{name: contact.get(name) for name in CONTACT},
        }
    )
    return _show(page, form, cluster)


async def save(request: Request) -> Response:
    page = await Page.open(request, Role.EDITOR)
    cluster = await _cluster(page)
    form = await page.posted(LABELS)
    contact = {name: form.text(name) for name in CONTACT}
    patch = {
        "name": form.required("name"),
        **{name: form.items(name) for name in LISTS},
        "description": form.localized("description"),
        "contact": contact if any(contact.values()) else None,
    }
    variables = {"id": cluster["recordId"], "input": patch}
    if await page.save(OPERATIONS, "UpdateCluster", variables, form, FIELDS):
        return page.redirect(record_path("Cluster", cluster["recordId"]), "saved")
    return _show(page, form, cluster, STATUS)


async def _cluster(page: Page) -> dict[str, Any]:
    data = await page.query(OPERATIONS, "ClusterToEdit", {"id": page.request.path_params["id"]})
    return record(data, "cluster")


def _show(page: Page, form: Form, cluster: dict[str, Any], status: int = 200) -> Response:
    return page.render("cluster_form.html", status, form=form, cluster=cluster)


routes = [
    Route("/{lang}/clusters/{id}/edit", edit, methods=["GET"]),
    Route("/{lang}/clusters/{id}/edit", save, methods=["POST"]),
]
