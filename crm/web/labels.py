"""Names of the API's enum values and record types, marked for translation (shown with
``_()`` in templates: ``{{ _(kind_label(event.kind)) }}``)."""

from collections.abc import Mapping

from crm.web.i18n import N_

ENUMS: Mapping[str, str] = {
    # EventKind
    "WORKSHOP": N_("Workshop"),
    "NETWORK_MEETING": N_("Network meeting"),
    "CONFERENCE": N_("Conference"),
    "SEMINAR": N_("Seminar"),
    "STUDY_TRIP": N_("Study trip"),
    "TRADE_FAIR": N_("Trade fair"),
    # OrganizationKind
    "COMPANY": N_("Company"),
    "UNIVERSITY": N_("University"),
    "PUBLIC_BODY": N_("Public body"),
    "ASSOCIATION": N_("Association"),
    # InitiativeStatus
    "IDEA": N_("Idea"),
    "START_UP": N_("Start-up phase"),
    "ACTIVE": N_("Active"),
    "CONCLUDED": N_("Concluded"),
    # InteractionKind
    "MEETING": N_("Meeting"),
    "CALL": N_("Call"),
    "EMAIL": N_("E-mail"),
    "INTRODUCTION": N_("Introduction"),
    # LawfulBasis (GDPR article 6(1))
    "CONSENT": N_("Consent"),
    "CONTRACT": N_("Contract"),
    "LEGAL_OBLIGATION": N_("Legal obligation"),
    "VITAL_INTERESTS": N_("Vital interests"),
    "PUBLIC_TASK": N_("Public task"),
    "LEGITIMATE_INTERESTS": N_("Legitimate interests"),
    # DocumentKind
    "REPORT": N_("Report"),
    "CASE_STUDY": N_("Case study"),
    "RECOMMENDATIONS": N_("Recommendations"),
    "PRESENTATION": N_("Presentation"),
    "FILM": N_("Film"),
    "WEBSITE": N_("Website"),
}

TYPES: Mapping[str, str] = {
    "Cluster": N_("Clusters"),
    "Organization": N_("Organisations"),
    "Person": N_("People"),
    "Event": N_("Events"),
    "Initiative": N_("Initiatives"),
    "Project": N_("Projects"),
    "Topic": N_("Topics"),
    "Sector": N_("Sectors"),
    "Region": N_("Regions"),
    "Document": N_("Documents"),
}
"""Record types (``__typename``) as headings, in the order search results are grouped."""


ROLES: Mapping[str, str] = {
    "reader": N_("reader"),
    "editor": N_("editor"),
    "admin": N_("admin"),
}
"""The roles of API keys, as the user menu names them."""


def role_label(role: str) -> str:
    """The message id naming a key's role."""
    return ROLES.get(role, role)


def enum_label(value: str | None) -> str:
    """The message id naming an enum value (the value itself when it has none)."""
    if value is None:
        return ""
    return ENUMS.get(value, value)
