"""Planted duplicates: copies of generated people and organisations written the way a second
source would have written them, and the truth about them in a file of its own.

A duplicate person has the original's name with one variation (Danish and German letters
transliterated, ``ø`` -> ``oe``, ``ß`` -> ``ss``; a typo: a letter dropped, doubled or two
swapped; other capitals), the original's e-mail address in other capitals or none, the
original's phone number written another way (spaced, national) or none, and a job at the
original's current employer. A duplicate organisation has the original's name with its legal form
written otherwise (``A/S`` for ``ApS``, ``GmbH & Co. KG`` for ``GmbH``) or transliterated or
with a typo, the same city, the website or none, and the original's region and sectors.

The duplicates are a second source: a CSV folder of their own, ``duplicates/`` inside the
dataset's folder (``crm load OUT`` reads only the files of ``OUT`` itself), loaded after the
dataset: ``crm load OUT/duplicates`` (with ``--match vat,email,name``, those that a natural key
identifies are matched to their originals instead of refused). The truth goes to
``duplicates-truth.tsv`` beside the dataset's files.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from random import Random

import phonenumbers

from graph_loader.synthetic.sampling import synthetic_id

SOURCE_FOLDER = "duplicates"
"""The folder, inside the dataset's, of the duplicates (a second source)."""
TRUTH_FILE = "duplicates-truth.tsv"
"""Where the planted pairs are written: ``label``, ``original``, ``duplicate`` per line."""

_LETTERS = {"ø": "oe", "æ": "ae", "å": "aa", "ß": "ss", "ü": "ue", "ö": "oe", "ä": "ae"}
_FORMS = {
    "ApS": ("A/S", "IVS", "Aps"),
    "A/S": ("ApS", "A/S.", "AS"),
    "GmbH": ("GmbH & Co. KG", "mbH", "G.m.b.H.", "AG"),
    "e.V.": ("eV", "e. V."),
}


@dataclass(frozen=True)
class Planted:
    """How many duplicates were planted, by label, and where the truth is."""

    people: int
    organizations: int
    ties: dict[str, int]
    """The ties copied to the duplicates, by type."""
    folder: Path
    """The duplicates' CSV folder."""
    truth: Path


def plant_duplicates(folder: Path, rate: float, seed: int) -> Planted:
    """Add duplicates of ``rate`` of the people and organisations in the CSV ``folder``."""
    if not 0 <= rate <= 0.5:
        raise ValueError(f"the duplicate rate must be between 0 and 0.5, not {rate}")
    rng = Random(f"duplicates {seed}")
    truth: list[tuple[str, str, str]] = []
    ties: dict[str, int] = {}
    source = folder / SOURCE_FOLDER
    source.mkdir(exist_ok=True)
    for old in source.glob("*.csv"):
        old.unlink()
    organizations = _plant(
        folder, "Organization", rate=rate, rng=rng, vary=_organization, truth=truth, ties=ties
    )
    people = _plant(folder, "Person", rate=rate, rng=rng, vary=_person, truth=truth, ties=ties)
    path = folder / TRUTH_FILE
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter="\t", lineterminator="\n")
        writer.writerow(("label", "original", "duplicate"))
        writer.writerows(truth)
    return Planted(people, organizations, ties, source, path)


Row = dict[str, str]
Vary = Callable[[Row, Random], Row]


def _plant(
    folder: Path,
    label: str,
    *,
    rate: float,
    rng: Random,
    vary: Vary,
    truth: list[tuple[str, str, str]],
    ties: dict[str, int],
) -> int:
    rows = _read(folder / f"{label}.csv")
    chosen = sorted(rng.sample(range(len(rows)), round(len(rows) * rate)))
    prefix = "pd" if label == "Person" else "od"
    copies: dict[str, str] = {}
    with (folder / SOURCE_FOLDER / f"{label}.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        for n, index in enumerate(chosen):
            original = rows[index]
            duplicate = vary(dict(original), rng) | {"id": synthetic_id(f"{prefix}-{n + 1:05d}")}
            writer.writerow(duplicate)
            copies[original["id"]] = duplicate["id"]
            truth.append((label, original["id"], duplicate["id"]))
    kinds = ("WORKS_AT",) if label == "Person" else ("LOCATED_IN", "ACTIVE_IN")
    for kind in kinds:
        copied = _copy_ties(folder, kind, copies, current_only=kind == "WORKS_AT")
        ties[kind] = ties.get(kind, 0) + copied
    return len(chosen)


def _read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _copy_ties(
    folder: Path, kind: str, copies: dict[str, str], *, current_only: bool = False
) -> int:
    """The duplicates get the original's ties of ``kind`` (for jobs: the current one), in the
    duplicates' folder; how many were copied."""
    path = folder / f"{kind}.csv"
    rows = [
        row
        for row in _read(path)
        if row["from"] in copies and not (current_only and row.get("until"))
    ]
    target = folder / SOURCE_FOLDER / f"{kind}.csv"
    with target.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(_read_header(path)), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row | {"from": copies[row["from"]]})
    return len(rows)


def _read_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as file:
        return next(csv.reader(file))


def _person(row: Row, rng: Random) -> Row:
    field = rng.choice(("givenName", "familyName"))
    row[field] = _varied_name(row[field], rng)
    if row["email"]:
        choice = rng.random()
        if choice < 0.45:
            local, _, domain = row["email"].partition("@")
            row["email"] = f"{local.title()}@{domain.upper()}"
        elif choice < 0.6:
            row["email"] = ""
    if row["phone"]:
        row["phone"] = "" if rng.random() < 0.2 else _phone_written_otherwise(row, rng)
    return row


def _organization(row: Row, rng: Random) -> Row:
    row["name"] = _varied_org_name(row["name"], rng)
    if row.get("website") and rng.random() < 0.3:
        row["website"] = ""
    for column in [name for name in row if name.startswith("description.")]:
        row[column] = ""
    return row


def _varied_org_name(name: str, rng: Random) -> str:
    for form, others in _FORMS.items():
        if name.endswith(" " + form) and rng.random() < 0.5:
            return name[: -len(form)] + rng.choice(others)
    return _varied_name(name, rng)


def _varied_name(name: str, rng: Random) -> str:
    """One variation: transliterated where the name has a Danish or German letter (most of
    the time), else a typo, or other capitals."""
    if any(letter in name.casefold() for letter in _LETTERS) and rng.random() < 0.7:
        return "".join(_transliterated(c) for c in name)
    if rng.random() < 0.15:
        return name.upper() if rng.random() < 0.5 else name.lower()
    return _typo(name, rng)


def _transliterated(letter: str) -> str:
    folded = _LETTERS.get(letter.casefold())
    if folded is None:
        return letter
    return folded.capitalize() if letter.isupper() else folded


def _typo(name: str, rng: Random) -> str:
    """A letter dropped, doubled, or swapped with the next, never the first letter of the
    name (people rarely get that wrong)."""
    if len(name) < 4:
        return name + name[-1]
    at = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return name[:at] + name[at + 1 :]
    if kind == 1:
        return name[:at] + name[at] + name[at:]
    swapped = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    return swapped if swapped != name else name[:at] + name[at + 1 :]


def _phone_written_otherwise(row: Row, rng: Random) -> str:
    number = phonenumbers.parse(row["phone"], None)
    national = phonenumbers.region_code_for_number(number) == row["country"]
    if not national or rng.random() < 0.5:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
