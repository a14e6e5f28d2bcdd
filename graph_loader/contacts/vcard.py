"""vCard files (versions 3 and 4), read with vobject, one contact per card."""

import re
from collections.abc import Iterator
from pathlib import Path

import vobject

from graph_loader.contacts.contact import Contact
from graph_loader.records import Location, Problem

_FAILED_LINE = re.compile(r"Failed to parse line: (.*)$")


def read_vcards(path: Path) -> Iterator[Contact | Problem]:
    """Every card of the file; a file (or a card) that is not a vCard is a problem naming the
    line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        yield Problem(Location(str(path)), f"cannot read the file: {error}")
        return
    for start, lines in _cards(path, text.splitlines()):
        if isinstance(lines, Problem):
            yield lines
            return
        yield _card(path, start, lines)


def _cards(path: Path, lines: list[str]) -> Iterator[tuple[int, list[str] | Problem]]:
    """The cards' lines, each with the number of its ``BEGIN:VCARD`` line."""
    start: int | None = None
    card: list[str] = []
    for number, line in enumerate(lines, start=1):
        upper = line.strip().upper()
        if start is None:
            if not upper:
                continue
            if upper != "BEGIN:VCARD":
                problem = Problem(Location(str(path), number), "not a vCard: expected BEGIN:VCARD")
                yield number, problem
                return
            start, card = number, [line]
            continue
        card.append(line)
        if upper == "END:VCARD":
            yield start, card
            start = None
    if start is not None:
        yield start, Problem(Location(str(path), start), "the card has no END:VCARD")


def _card(path: Path, start: int, lines: list[str]) -> Contact | Problem:
    where = Location(str(path), start, f"card at line {start}")
    try:
        card = vobject.readOne("\r\n".join(lines) + "\r\n")
    except (vobject.base.ParseError, ValueError) as error:
        return Problem(_failed_at(path, start, lines, error), f"not a valid vCard: {_said(error)}")
    version = _text(card, "version")
    if version not in ("3.0", "4.0"):
        return Problem(
            where, f"vCard version {version or 'missing'}: versions 3.0 and 4.0 are read"
        )
    family = given = ""
    if "n" in card.contents:
        name = card.n.value
        family, given = _joined(name.family), _joined(name.given)
    country = next(
        (adr.value.country for adr in card.contents.get("adr", []) if adr.value.country), ""
    )
    organization = card.org.value[0] if "org" in card.contents and card.org.value else ""
    return Contact(
        location=where,
        given_name=given,
        family_name=family,
        full_name=_text(card, "fn"),
        email=_text(card, "email"),
        phone=_text(card, "tel").removeprefix("tel:"),
        title=_text(card, "title"),
        organization=str(organization),
        country=str(country),
    )


def _text(card: vobject.base.Component, name: str) -> str:
    values = card.contents.get(name, [])
    return str(getattr(values[0], "value", "")).strip() if values else ""


def _joined(value: str | list[str]) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def _failed_at(path: Path, start: int, lines: list[str], error: Exception) -> Location:
    """The line vobject could not parse (its own line numbers count differently)."""
    match = _FAILED_LINE.search(str(error))
    if match is not None:
        for offset, line in enumerate(lines):
            if line.strip() == match.group(1).strip():
                return Location(str(path), start + offset, f"card at line {start}")
    return Location(str(path), start, f"card at line {start}")


def _said(error: Exception) -> str:
    return re.sub(r"^At line \d+: ", "", str(error))
