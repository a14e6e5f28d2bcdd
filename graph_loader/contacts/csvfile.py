"""CSV files exported by other tools, read through a column mapping, one contact per row."""

import csv
from collections.abc import Iterator
from pathlib import Path

from graph_loader.contacts.contact import Contact
from graph_loader.contacts.mapping import Mapping
from graph_loader.records import Location, Problem

_FIELDS = {
    "givenName": "given_name",
    "familyName": "family_name",
    "name": "full_name",
    "email": "email",
    "phone": "phone",
    "title": "title",
    "organization": "organization",
    "country": "country",
    "consent.basis": "consent_basis",
    "consent.date": "consent_date",
}


def read_mapped_csv(path: Path, mapping: Mapping) -> Iterator[Contact | Problem]:
    """Every row of the file as a contact; a column the mapping names and the file lacks is a
    problem naming the mapping's line."""
    try:
        with path.open(encoding=mapping.encoding, newline="") as file:
            reader = csv.reader(file, delimiter=mapping.delimiter)
            header = next(reader, None)
            if header is None:
                yield Problem(Location(str(path), 1), "the file is empty")
                return
            header = [name.strip() for name in header]
            missing = [
                column
                for columns in mapping.columns.values()
                for column in columns
                if column not in header
            ]
            for column in missing:
                yield Problem(
                    Location(str(mapping.path), mapping.lines[column]),
                    f"column {column!r} is not in the header of {path.name} "
                    f"({mapping.name} mapping)",
                )
            if missing:
                return
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                line = reader.line_num
                if len(row) != len(header):
                    yield Problem(
                        Location(str(path), line, f"row {line}"),
                        f"{len(row)} cells where the header has {len(header)}",
                    )
                    continue
                yield _contact(
                    Location(str(path), line, f"row {line}"),
                    dict(zip(header, row, strict=True)),
                    mapping,
                )
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        yield Problem(Location(str(path)), f"cannot read the file: {error}")


def _contact(location: Location, row: dict[str, str], mapping: Mapping) -> Contact:
    fields: dict[str, str] = {}
    for target, columns in mapping.columns.items():
        value = next((row[c].strip() for c in columns if row[c].strip()), "")
        table = mapping.values.get(target)
        if value and table is not None:
            value = table.get(value.casefold(), value)
        fields[_FIELDS[target]] = value
    return Contact(location=location, **fields)
