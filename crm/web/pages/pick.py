"""Picking a person, or an organisation or cluster, by typing a name.

A picker is a text field (``name``) and a hidden field with the chosen record's global id
(``nameId``), which counts as long as the text is part of that record's name. With scripts on,
the field suggests names as the visitor types (a ``<datalist>`` filled from
``/{lang}/suggest/people`` or ``/suggest/employers``, JSON; the network pages' pickers, open to
readers, under ``/{lang}/suggest/readers/``) and a suggestion taken sets the id.
Without them, or when the text was typed out, the form's handler looks the name up when the
form is sent: one record whose name contains the text (or exactly one whose name is the text)
is the one; several are offered as a choice (radio buttons) on the form shown again; none is a
problem of the field.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crm.domain.search import fold
from crm.keys import Role
from crm.web.forms import Form
from crm.web.i18n import N_, Formats, translations
from crm.web.operations import Operations, PageNotFound
from crm.web.page import Page

OPERATIONS = Operations.beside(__file__)
SUGGESTIONS = 10
"""How many suggestions a field offers, and how many records a choice lists at most."""
MIN_TEXT = 2
"""Fewer characters than this suggest nothing."""


@dataclass(frozen=True)
class Choice:
    """A record a picker may choose: its ids, its name, and a hint that tells it apart."""

    id: str
    record_id: str
    type: str
    name: str
    hint: str

    def json(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name, "hint": self.hint}


class Kind(Enum):
    """What a picker picks: its operations, and what it says when nothing matches."""

    PERSON = (
        "PeopleNamed",
        "PersonChosen",
        ("PersonChosen",),
        N_("No one's name contains this text."),
    )
    EMPLOYER = (
        "EmployersNamed",
        "EmployerChosen",
        ("OrganizationOfRecord", "ClusterOfRecord"),
        N_("No organisation's or cluster's name contains this text."),
    )
    TARGET = (
        "TargetsNamed",
        "TargetChosen",
        ("PersonChosen", "OrganizationOfRecord", "ClusterOfRecord"),
        N_("No person's, organisation's or cluster's name contains this text."),
    )
    ORGANIZATION = (
        "OrganizationsNamed",
        "OrganizationOfRecord",
        ("OrganizationOfRecord",),
        N_("No organisation's name contains this text."),
    )

    def __init__(
        self, named: str, chosen: str, of_record: tuple[str, ...], none_found: str
    ) -> None:
        self.named = named
        self.chosen = chosen
        self.of_record = of_record
        self.none_found = none_found


async def pick(page: Page, form: Form, name: str, kind: Kind) -> tuple[Choice | None, list[Choice]]:
    """The record the picker ``name`` names, or ``None`` with a problem on the form and the
    records to choose from (when several match). The form keeps the chosen record's id."""
    typed = form.required(name)
    chosen_id = form.value(f"{name}Id")
    form.values[f"{name}Id"] = ""
    if not typed:
        form.problem(name, form.gettext(N_("Type a name.")))
        return None, []
    if chosen_id:
        found = await _look_up(page, kind.chosen, chosen_id)
        chosen = [choice for choice in found if fold(typed) in fold(choice.name)]
        if chosen:
            preset(form, name, chosen[0])
            return chosen[0], []
    found = await named(page, kind, typed)
    exact = [choice for choice in found if fold(choice.name) == fold(typed)]
    if len(found) == 1 or len(exact) == 1:
        choice = found[0] if len(found) == 1 else exact[0]
        preset(form, name, choice)
        return choice, []
    if not found:
        form.problem(name, form.gettext(kind.none_found))
        return None, []
    form.problem(name, form.gettext(N_("Several match: choose one.")))
    return None, found


async def picked(
    page: Page, form: Form, name: str, kind: Kind
) -> tuple[Choice | None, list[Choice]]:
    """What ``pick`` answers, except that a link may give only the record's id (``?fromId=``
    with no text): then that record, a page not found when there is none."""
    record_id = form.value(f"{name}Id").strip()
    if record_id and not form.value(name).strip():
        found = await of_record(page, kind, record_id)
        if found is None:
            raise PageNotFound
        preset(form, name, found)
        return found, []
    return await pick(page, form, name, kind)


async def named(page: Page, kind: Kind, text: str) -> list[Choice]:
    """The records of ``kind`` whose names contain ``text`` (at most ``SUGGESTIONS``)."""
    data = await page.query(OPERATIONS, kind.named, {"text": text, "first": SUGGESTIONS})
    return _choices(data, page.lang)[:SUGGESTIONS]


async def of_record(page: Page, kind: Kind, record_id: str) -> Choice | None:
    """The record with ``record_id`` (a link's ``?with=p-…``), if there is exactly one."""
    operations = kind.of_record
    found = [choice for name in operations for choice in await _look_up(page, name, record_id)]
    return found[0] if len(found) == 1 else None


async def _look_up(page: Page, operation: str, record: str) -> list[Choice]:
    """The record that ``operation`` finds by its id (global or record id), if it is there."""
    try:
        return _choices(await page.query(OPERATIONS, operation, {"id": record}), page.lang)
    except PageNotFound:
        return []


def preset(form: Form, name: str, choice: Choice | None) -> None:
    """Fill the picker ``name`` with ``choice``."""
    if choice is not None:
        form.values[name] = choice.name
        form.values[f"{name}Id"] = choice.id


def _choices(data: dict[str, Any], lang: str) -> list[Choice]:
    """Every record in an answer of the operations above, in its order."""
    nodes: list[dict[str, Any]] = []
    for value in data.values():
        if isinstance(value, dict) and "nodes" in value:
            nodes.extend(value["nodes"])
        elif isinstance(value, dict):
            nodes.append(value)
    return [_choice(node, lang) for node in nodes if node.get("__typename")]


def _choice(node: dict[str, Any], lang: str) -> Choice:
    fmt = Formats(lang)
    country = fmt.country(node["country"]) if node.get("country") else ""
    if node["__typename"] == "Person":
        name = f"{node['givenName']} {node['familyName']}"
        employers = [employer["name"] for employer in node["employers"]["nodes"]]
        details = [country, *employers[:1]]
    else:
        name = node["name"]
        kind = N_("Cluster") if node["__typename"] == "Cluster" else N_("Organisation")
        details = [translations(lang).gettext(kind), node.get("city") or "", country]
    hint = " · ".join(detail for detail in details if detail)
    return Choice(node["id"], node["recordId"], node["__typename"], name, hint)


def _suggest(
    kind: Kind, needs: Role | None = Role.EDITOR
) -> Callable[[Request], Awaitable[Response]]:
    async def suggest(request: Request) -> Response:
        """The records whose names contain ``?q=``, as JSON, for a form of a visitor whose
        role allows ``needs`` (``None``: anyone who may read)."""
        page = await Page.open(request, needs)
        text = request.query_params.get("q", "").strip()
        found = await named(page, kind, text) if len(text) >= MIN_TEXT else []
        return JSONResponse(
            [choice.json() for choice in found], headers={"Cache-Control": "no-store"}
        )

    return suggest


routes = [
    Route("/{lang}/suggest/people", _suggest(Kind.PERSON), methods=["GET"]),
    Route("/{lang}/suggest/employers", _suggest(Kind.EMPLOYER), methods=["GET"]),
    # The network pages' pickers, for readers too.
    Route("/{lang}/suggest/readers/people", _suggest(Kind.PERSON, None), methods=["GET"]),
    Route("/{lang}/suggest/readers/targets", _suggest(Kind.TARGET, None), methods=["GET"]),
    Route(
        "/{lang}/suggest/readers/organisations",
        _suggest(Kind.ORGANIZATION, None),
        methods=["GET"],
    ),
]
