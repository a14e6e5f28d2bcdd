"""The records the graph holds as nodes, one model per label."""

from datetime import date
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from crm.domain.values import (
    PHONE_HELP,
    Contact,
    Country,
    Email,
    Identifier,
    Language,
    LawfulBasis,
    LocalizedText,
    Model,
    Money,
    Name,
    Text,
    Timestamp,
    Url,
    normalize_phone,
    normalize_vat_id,
)


class Label(StrEnum):
    """Every node label the graph may hold; the only source of labels in Cypher text."""

    CLUSTER = "Cluster"
    ORGANIZATION = "Organization"
    PERSON = "Person"
    EVENT = "Event"
    INITIATIVE = "Initiative"
    PROJECT = "Project"
    TOPIC = "Topic"
    SECTOR = "Sector"
    REGION = "Region"
    DOCUMENT = "Document"


class OrganizationKind(StrEnum):
    COMPANY = "company"
    UNIVERSITY = "university"
    PUBLIC_BODY = "public_body"
    ASSOCIATION = "association"


class EventKind(StrEnum):
    WORKSHOP = "workshop"
    NETWORK_MEETING = "network_meeting"
    CONFERENCE = "conference"
    SEMINAR = "seminar"
    STUDY_TRIP = "study_trip"
    TRADE_FAIR = "trade_fair"


class InitiativeStatus(StrEnum):
    IDEA = "idea"
    START_UP = "start_up"
    ACTIVE = "active"
    CONCLUDED = "concluded"


class DocumentKind(StrEnum):
    REPORT = "report"
    CASE_STUDY = "case_study"
    RECOMMENDATIONS = "recommendations"
    PRESENTATION = "presentation"
    FILM = "film"
    WEBSITE = "website"


class Node(Model):
    """What every node carries: a stable id, where it came from, and when it was written."""

    label: ClassVar[Label]
    name_fields: ClassVar[tuple[str, ...]] = ("name",)
    """The fields that together name the record for people (and for name searches)."""
    place_field: ClassVar[str | None] = None
    """The field that says where the record is (for place searches), if it has one."""
    text_fields: ClassVar[tuple[str, ...]] = ()
    """Fields searched besides the name: texts, lists of texts, texts in several languages."""

    id: Identifier
    source: Text = Field(
        description="Where the record came from: a file, `graphql`, `synthetic`, ..."
    )
    created_at: Timestamp | None = Field(
        default=None, description="Set by the store when the node is created."
    )
    updated_at: Timestamp | None = Field(
        default=None, description="Set by the store whenever the node changes."
    )

    @property
    def display_name(self) -> str:
        return " ".join(str(getattr(self, name)) for name in self.name_fields)

    @property
    def place_name(self) -> str | None:
        return None if self.place_field is None else getattr(self, self.place_field)

    @property
    def search_text(self) -> str:
        """The name and the text fields, every language of each, as one text."""
        parts = [self.display_name]
        for name in self.text_fields:
            value = getattr(self, name)
            if isinstance(value, LocalizedText):
                parts.extend(text for text in (value.de, value.da, value.en) if text is not None)
            elif isinstance(value, list):
                parts.extend(str(item) for item in value)
            elif value is not None:
                parts.append(str(value))
        return " ".join(parts)


class Cluster(Node):
    label = Label.CLUSTER
    text_fields = ("specialties", "services", "technologies", "description")

    name: Name
    country: Country
    specialties: list[Text] = []
    services: list[Text] = []
    technologies: list[Text] = []
    description: LocalizedText | None = None
    contact: Contact | None = None

    @field_validator("contact")
    @classmethod
    def _phone_in_e164(cls, contact: Contact | None, info: ValidationInfo) -> Contact | None:
        if contact is None or contact.phone is None:
            return contact
        phone = normalize_phone(contact.phone, info.data.get("country"))
        return contact.model_copy(update={"phone": phone})


class Organization(Node):
    label = Label.ORGANIZATION
    place_field = "city"
    text_fields = ("description",)

    name: Name
    kind: OrganizationKind
    country: Country
    city: Name | None = None
    vat_id: str | None = Field(
        default=None, description="Danish CVR, German USt-IdNr, or another country's VAT id."
    )
    website: Url | None = None
    description: LocalizedText | None = None

    @field_validator("vat_id")
    @classmethod
    def _vat_id_valid(cls, vat_id: str | None, info: ValidationInfo) -> str | None:
        if vat_id is None:
            return None
        country = info.data.get("country")
        if country is None:
            raise ValueError("a VAT id needs a valid country")
        return normalize_vat_id(vat_id, country)


class Consent(Model):
    """The lawful basis on which the CRM holds a person's data, and since when."""

    basis: LawfulBasis
    date: date


class Person(Node):
    label = Label.PERSON
    name_fields = ("given_name", "family_name")

    given_name: Name
    family_name: Name
    title: Name | None = None
    country: Country
    email: Email | None = None
    phone: str | None = Field(default=None, description=PHONE_HELP)
    languages: list[Language] = []
    consent: Consent

    @field_validator("phone")
    @classmethod
    def _phone_in_e164(cls, phone: str | None, info: ValidationInfo) -> str | None:
        return None if phone is None else normalize_phone(phone, info.data.get("country"))


class Event(Node):
    label = Label.EVENT
    name_fields = ("title",)
    place_field = "place"
    text_fields = ("description",)

    kind: EventKind
    title: Name
    date: date
    place: Name | None = None
    country: Country | None = None
    reported_attendance: int | None = Field(default=None, ge=0, le=10_000_000)
    description: LocalizedText | None = None


class Initiative(Node):
    label = Label.INITIATIVE
    text_fields = ("description",)

    name: Name
    description: LocalizedText | None = None
    status: InitiativeStatus
    started_on: date | None = None


class Project(Node):
    label = Label.PROJECT
    text_fields = ("programme", "fund", "description")

    name: Name
    programme: Name
    fund: Name
    period_start: int = Field(ge=1950, le=2100, description="First year of the funding period.")
    period_end: int = Field(ge=1950, le=2100, description="Last year of the funding period.")
    total_investment_eur: Money
    eu_contribution_eur: Money
    description: LocalizedText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("periodEnd is before periodStart")
        if self.eu_contribution_eur > self.total_investment_eur:
            raise ValueError("euContributionEur is larger than totalInvestmentEur")
        return self


class Topic(Node):
    label = Label.TOPIC
    text_fields = ("labels",)

    name: Name
    labels: LocalizedText | None = None


class Sector(Node):
    label = Label.SECTOR
    text_fields = ("labels",)

    name: Name
    labels: LocalizedText | None = None


class Region(Node):
    label = Label.REGION
    text_fields = ("labels",)

    name: Name
    country: Country | None = None
    labels: LocalizedText | None = None


class Document(Node):
    label = Label.DOCUMENT
    name_fields = ("title",)
    text_fields = ("description",)

    kind: DocumentKind
    title: Name
    languages: list[Language] = []
    published_on: date | None = None
    url: Url | None = None
    description: LocalizedText | None = None


NODE_MODELS: dict[Label, type[Node]] = {
    model.label: model
    for model in (
        Cluster,
        Organization,
        Person,
        Event,
        Initiative,
        Project,
        Topic,
        Sector,
        Region,
        Document,
    )
}
