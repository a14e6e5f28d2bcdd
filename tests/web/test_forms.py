"""``crm.web.forms.Form`` on its own: turning typed text into variables, and the API's typed
errors put beside the fields their paths name."""

from crm.web.forms import Form, Problem
from crm.web.i18n import translations

LABELS = {"name": "Name", "email": "E-mail", "specialties": "Specialties", "date": "Date"}


def form(**values: str) -> Form:
    return Form(LABELS, translations("de").gettext).fill(values)


def test_errors_go_beside_the_field_of_the_longest_path_that_names_one() -> None:
    filled = form()
    fields = {
        ("input", "contact"): "email",
        ("input", "contact", "email"): "email",
        ("input", "specialties"): "specialties",
    }

    filled.take(
        [
            {"field": ["input", "contact", "email"], "code": "INVALID", "message": "bad"},
            {"field": ["input", "specialties", "1"], "code": "INVALID", "message": "blank"},
            {"field": ["input", "recordId"], "code": "CONFLICT", "message": "taken"},
        ],
        fields,
    )

    assert filled.errors == {
        "email": [Problem("bad", "en")],
        "specialties": [Problem("blank", "en")],
    }
    assert filled.general == [Problem("taken", "en")]
    assert [name for name, _ in filled.summary()] == ["email", "specialties", None]
    assert not filled.valid


def test_list_fields_take_one_entry_a_line_or_commas() -> None:
    assert form(specialties="Aluminium\n\n Surface, treatment \n").items("specialties") == [
        "Aluminium",
        "Surface, treatment",
    ]
    assert form(specialties="Aluminium, Surface treatment,").items("specialties") == [
        "Aluminium",
        "Surface treatment",
    ]
    assert form(specialties="  ").items("specialties") == []


def test_dates_are_iso_or_a_problem_in_the_page_s_language() -> None:
    good, bad, missing = form(date="2026-03-31"), form(date="31.3.2026"), form(date=" ")

    assert good.date("date") == "2026-03-31"
    assert bad.date("date") is None
    assert missing.date("date", required=True) is None
    assert form(date="").date("date") is None  # optional and empty: no date
    assert good.valid
    assert bad.errors["date"][0].text.startswith("Geben Sie ein Datum als Jahr-Monat-Tag ein")
    assert bad.errors["date"][0].lang is None
    assert missing.errors["date"][0].text == "Geben Sie ein Datum ein."


def test_choices_must_be_offered() -> None:
    chosen = form(name="CALL")
    unknown = form(name="HACK")

    assert chosen.choice("name", ("CALL", "MEETING")) == "CALL"
    assert unknown.choice("name", ("CALL", "MEETING")) is None
    assert "name" in unknown.errors


def test_blank_optional_text_is_no_value_and_texts_are_trimmed() -> None:
    filled = form(name="  AluCluster ", email="   ")

    assert filled.text("name") == "AluCluster"
    assert filled.text("email") is None
    assert filled.required("email") == ""


def test_a_trilingual_text_is_none_when_all_three_are_empty() -> None:
    assert form().localized("description") is None
    assert form(descriptionDa="Klynge").localized("description") == {
        "de": None,
        "da": "Klynge",
        "en": None,
    }
