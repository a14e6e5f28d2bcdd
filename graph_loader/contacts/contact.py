"""One contact as an address book or another tool holds it, before it is a record."""

from dataclasses import dataclass

from graph_loader.records import Location


@dataclass(frozen=True)
class Contact:
    """What a contact says, as written (nothing normalised yet), and where it was read."""

    location: Location
    given_name: str = ""
    family_name: str = ""
    full_name: str = ""
    email: str = ""
    phone: str = ""
    title: str = ""
    organization: str = ""
    country: str = ""
    consent_basis: str = ""
    consent_date: str = ""
