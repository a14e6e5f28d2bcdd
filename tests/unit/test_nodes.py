"""The node models (one per label) and the relationship specs."""

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from crm.domain import NODE_MODELS, RELATIONSHIPS, Label, RelType
from crm.domain.nodes import Cluster, Organization, Person, Project
from crm.domain.relationships import WorksAt

MINIMAL: dict[Label, dict[str, Any]] = {
    Label.CLUSTER: {"id": "alucluster", "source": "s", "name": "AluCluster", "country": "DK"},
    Label.ORGANIZATION: {
        "id": "o-1",
        "source": "s",
        "name": "Firma",
        "kind": "company",
        "country": "DE",
    },
    Label.PERSON: {
        "id": "p-1",
        "source": "s",
        "givenName": "Anna",
        "familyName": "Mustermann",
        "country": "DE",
        "consent": {"basis": "consent", "date": "2014-05-02"},
    },
    Label.EVENT: {
        "id": "e-1",
        "source": "s",
        "kind": "workshop",
        "title": "Kick-off",
        "date": "2014-03-11",
    },
    Label.INITIATIVE: {"id": "i-1", "source": "s", "name": "Idea", "status": "idea"},
    Label.PROJECT: {
        "id": "pr-1",
        "source": "s",
        "name": "InTra-Net",
        "programme": "Interreg IV A",
        "fund": "ERDF",
        "periodStart": 2007,
        "periodEnd": 2013,
        "totalInvestmentEur": "1000.00",
        "euContributionEur": "600.00",
    },
    Label.TOPIC: {"id": "t-1", "source": "s", "name": "Aluminium"},
    Label.SECTOR: {"id": "s-1", "source": "s", "name": "Metal"},
    Label.REGION: {"id": "r-1", "source": "s", "name": "Syddanmark"},
    Label.DOCUMENT: {"id": "d-1", "source": "s", "kind": "report", "title": "Final report"},
}

ENUM_FIELDS = [
    (Label.ORGANIZATION, "kind"),
    (Label.EVENT, "kind"),
    (Label.INITIATIVE, "status"),
    (Label.DOCUMENT, "kind"),
]


def test_minimal_records_cover_every_label() -> None:
    assert set(MINIMAL) == set(Label) == set(NODE_MODELS)


@pytest.mark.parametrize("label", list(Label))
def test_minimal_record_is_valid(label: Label) -> None:
    record = NODE_MODELS[label].model_validate(MINIMAL[label])
    assert record.id == MINIMAL[label]["id"]
    assert type(record).label is label


@pytest.mark.parametrize("label", list(Label))
@pytest.mark.parametrize("field", ["id", "source"])
def test_record_without_id_or_source_is_refused(label: Label, field: str) -> None:
    data = {key: value for key, value in MINIMAL[label].items() if key != field}
    with pytest.raises(ValidationError, match=field):
        NODE_MODELS[label].model_validate(data)


@pytest.mark.parametrize("label", list(Label))
@pytest.mark.parametrize("field", ["colour", "given_name_x", "label"])
def test_unknown_field_is_refused(label: Label, field: str) -> None:
    with pytest.raises(ValidationError, match="extra_forbidden"):
        NODE_MODELS[label].model_validate({**MINIMAL[label], field: "x"})


@pytest.mark.parametrize(("label", "field"), ENUM_FIELDS)
@pytest.mark.parametrize("value", ["unknown", "Company", ""])
def test_enum_with_wrong_value_is_refused(label: Label, field: str, value: str) -> None:
    with pytest.raises(ValidationError, match="enum"):
        NODE_MODELS[label].model_validate({**MINIMAL[label], field: value})


def test_consent_basis_with_wrong_value_is_refused() -> None:
    data = {**MINIMAL[Label.PERSON], "consent": {"basis": "because", "date": "2014-05-02"}}
    with pytest.raises(ValidationError, match="enum"):
        Person.model_validate(data)


# --- Project ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"totalInvestmentEur": "100.00", "euContributionEur": "100.01"},
            "euContributionEur is larger than totalInvestmentEur",
        ),
        ({"periodStart": 2013, "periodEnd": 2012}, "periodEnd is before periodStart"),
    ],
)
def test_inconsistent_project_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Project.model_validate({**MINIMAL[Label.PROJECT], **changes})


@pytest.mark.parametrize(
    "changes",
    [
        {"totalInvestmentEur": "100.00", "euContributionEur": "100.00"},
        {"periodStart": 2013, "periodEnd": 2013},
    ],
)
def test_project_at_the_limits_is_accepted(changes: dict[str, Any]) -> None:
    Project.model_validate({**MINIMAL[Label.PROJECT], **changes})


# --- Person ----------------------------------------------------------------------------------


def test_person_needs_consent() -> None:
    data = {key: value for key, value in MINIMAL[Label.PERSON].items() if key != "consent"}
    with pytest.raises(ValidationError, match="consent"):
        Person.model_validate(data)


def test_person_phone_is_normalised_using_their_country() -> None:
    person = Person.model_validate({**MINIMAL[Label.PERSON], "phone": "030 23125 123"})
    assert person.phone == "+493023125123"


# --- Organization ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "vat_id", "stored"),
    [
        ("DK", "13585628", "DK13585628"),
        ("DK", "13 58 56 28", "DK13585628"),
        ("DE", "136695976", "DE136695976"),
        ("DE", "DK13585628", "DK13585628"),
    ],
)
def test_organization_vat_id_is_normalised_using_its_country(
    country: str, vat_id: str, stored: str
) -> None:
    data = {**MINIMAL[Label.ORGANIZATION], "country": country, "vatId": vat_id}
    assert Organization.model_validate(data).vat_id == stored


@pytest.mark.parametrize(
    ("country", "vat_id"), [("DE", "13585628"), ("DK", "13585629"), ("XX", "13585628")]
)
def test_organization_with_invalid_vat_id_or_country_is_refused(country: str, vat_id: str) -> None:
    with pytest.raises(ValidationError):
        Organization.model_validate(
            {**MINIMAL[Label.ORGANIZATION], "country": country, "vatId": vat_id}
        )


# --- Cluster ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "phone", "stored"),
    [
        ("DE", "030 23125 123", "+493023125123"),
        ("DK", "33 12 34 56", "+4533123456"),
        ("DK", "+49 30 23125123", "+493023125123"),
    ],
)
def test_cluster_contact_phone_is_normalised_using_the_cluster_country(
    country: str, phone: str, stored: str
) -> None:
    data = {**MINIMAL[Label.CLUSTER], "country": country, "contact": {"phone": phone}}
    contact = Cluster.model_validate(data).contact
    assert contact is not None
    assert contact.phone == stored


def test_cluster_contact_with_invalid_phone_is_refused() -> None:
    with pytest.raises(ValidationError, match="phone number"):
        Cluster.model_validate({**MINIMAL[Label.CLUSTER], "contact": {"phone": "123"}})


# --- relationships ---------------------------------------------------------------------------


def test_every_relationship_type_has_a_spec_of_its_own_name() -> None:
    assert set(RELATIONSHIPS) == set(RelType)
    assert all(spec.name is rel_type for rel_type, spec in RELATIONSHIPS.items())


def test_only_interacted_is_keyed() -> None:
    keyed = {rel_type for rel_type, spec in RELATIONSHIPS.items() if spec.keyed}
    assert keyed == {RelType.INTERACTED}


def test_works_at_ends_at_cluster_or_organization() -> None:
    spec = RELATIONSHIPS[RelType.WORKS_AT]
    assert spec.sources == (Label.PERSON,)
    assert set(spec.targets) == {Label.CLUSTER, Label.ORGANIZATION}


@pytest.mark.parametrize(
    ("since", "until"),
    [(date(2012, 1, 1), date(2012, 1, 1)), (date(2012, 1, 1), None), (None, date(2011, 1, 1))],
)
def test_works_at_in_order_is_accepted(since: date | None, until: date | None) -> None:
    tie = WorksAt(source="s", since=since, until=until)
    assert (tie.since, tie.until) == (since, until)


def test_works_at_until_before_since_is_refused() -> None:
    with pytest.raises(ValidationError, match="until is before since"):
        WorksAt.model_validate({"source": "s", "since": "2012-01-02", "until": "2012-01-01"})
