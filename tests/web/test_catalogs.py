"""The catalogs: every message the templates and the Python code use is translated into German
and Danish, and the catalogs hold nothing the code no longer uses."""

import re
from pathlib import Path

import jinja2
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from crm.web.i18n import LOCALE_DIR, every_catalog, translations

WEB = LOCALE_DIR.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> set[str]:
    """The message ids in the code, as ``pybabel extract -F crm/web/babel.cfg -k N_`` finds."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        WEB, method_map, options, keywords=KEYWORDS, strip_comment_tags=True
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {message for message in found if message}


def catalog_ids(path: Path) -> dict[str, object]:
    """Each message's id (a plural's singular) and its translation (a plural's forms)."""
    with path.open("rb") as po:
        catalog = read_po(po)
    held: dict[str, object] = {}
    for message in catalog:
        if message.id:
            held[str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)] = (
                message.string
            )
    return held


def test_the_code_uses_messages() -> None:
    assert len(extracted()) > 100


@pytest.mark.parametrize(("lang", "path"), list(every_catalog()), ids=str)
def test_every_message_is_in_every_catalog(lang: str, path: Path) -> None:
    used = extracted()
    held = catalog_ids(path)

    assert not sorted(used - set(held)), f"not in {lang}: run pybabel extract and update"
    assert not sorted(set(held) - used), f"{lang} holds messages the code no longer uses"


@pytest.mark.parametrize("lang", ["de", "da"])
def test_every_message_is_translated(lang: str) -> None:
    held = catalog_ids(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po")

    untranslated = [
        msgid
        for msgid, string in held.items()
        if not (all(string) if isinstance(string, tuple) else string)
    ]

    assert not untranslated


def test_catalogs_compile_in_memory() -> None:
    assert translations("de").gettext("Search") == "Suche"
    assert translations("da").gettext("Search") == "Søg"
    assert translations("en").gettext("Search") == "Search"


TEXT_OUTSIDE_MESSAGES_ALLOWED = {"GraphiQL", "PNG", "SVG"}
"""Words a template may show as they are, in every language."""


@pytest.mark.parametrize(
    "template", sorted((WEB / "templates").rglob("*.html")), ids=lambda path: path.name
)
def test_templates_show_no_text_outside_messages(template: Path) -> None:
    """Text between tags is a message (``_()``), a record's value or punctuation."""
    environment = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    source = template.read_text(encoding="utf-8")
    # The template's own text, each Jinja tag or expression standing as a gap.
    text = "".join(
        value if kind == "data" else "\x00" for _, kind, value in environment.lex(source)
    )
    shown = re.sub(r"<[^>]*>|&[a-z]+;", " ", text)
    words = [
        word
        for word in re.findall(r"[^\W\d_]{2,}", shown)
        if word not in TEXT_OUTSIDE_MESSAGES_ALLOWED
    ]

    assert not words, f"{template.name} shows untranslated text: {words}"
