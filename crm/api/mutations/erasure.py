"""Erasure of a person (GDPR article 17): ``erasePerson``."""

import secrets
from typing import Any

import strawberry
from pydantic import TypeAdapter, ValidationError

from crm.api.context import Info
from crm.api.errors import ErrorCode, UserError
from crm.api.ids import global_id
from crm.api.mutations.common import change, mutation, not_found, ref, refuse, validated
from crm.api.records import api_node
from crm.domain import Label
from crm.domain.nodes import Person
from crm.domain.values import LawfulBasis, Name
from crm.graph.properties import to_properties
from crm.graph.store import Record
from crm.queries.gdpr import erase_person
from crm.queries.nodes import nodes_by_id

ERASED_PREFIX = "erased-"
"""How a placeholder's id starts; the rest is random, so it says nothing about the person."""
_REASON = TypeAdapter(Name)


def erasure_mutations(types: dict[Label, Any]) -> dict[str, Any]:
    payload = strawberry.type(
        type(
            "ErasePersonPayload",
            (),
            {
                "__annotations__": {},
                "placeholder": strawberry.field(
                    graphql_type=types[Label.PERSON] | None,
                    description="The anonymous record that now holds the person's ties.",
                ),
                "moved_ties": strawberry.field(
                    graphql_type=int | None,
                    description="How many ties moved to the placeholder (null when refused).",
                ),
                "errors": strawberry.field(graphql_type=list[UserError]),
            },
        ),
        description="What erasing a person did, or why it was refused.",
    )
    return {
        "erasePerson": mutation(
            _erase,
            payload,
            "Erase a person (GDPR art. 17): their record goes, and their ties move to an "
            "anonymous placeholder without notes or roles (jobs keep their dates), so that "
            "every figure stays; the engine's files are rewritten before the answer. Write no "
            "personal data in the reason: the placeholder keeps it as its source.",
        )
    }


async def _erase(info: Info, person: strawberry.ID, reason: str) -> dict[str, Any]:
    record_id = ref(person, (Label.PERSON,), ["person"])[1]
    if not reason.strip():
        raise refuse(["reason"], ErrorCode.REQUIRED, "say why the person is erased")
    try:
        reason = _REASON.validate_python(reason.strip())
    except ValidationError as error:
        raise refuse(["reason"], ErrorCode.INVALID, error.errors()[0]["msg"]) from None
    store = info.context.store
    stored = (await nodes_by_id(store, Label.PERSON, [record_id])).get(record_id)
    if stored is None:
        raise not_found(["person"], Label.PERSON, record_id)
    written = change(info)
    moment = written.at
    placeholder = _placeholder(stored, reason, moment)
    log = (global_id(Label.PERSON, record_id), global_id(Label.PERSON, placeholder["id"]))
    erased = await erase_person(store, record_id, placeholder, written, log)
    if erased is None:  # erased by someone else meanwhile
        raise not_found(["person"], Label.PERSON, record_id)
    _, moved = erased
    # Before the answer, the erased data leaves the engine's files too (the append-only file
    # still holds every write until it is rewritten).
    await store.compact()
    created = placeholder | {"createdAt": moment, "updatedAt": moment}
    return {"placeholder": api_node(Label.PERSON, created), "moved_ties": moved}


def _placeholder(person: Record, reason: str, moment: str) -> Record:
    """A valid ``Person`` (so that export and load take it) that says nothing about anyone."""
    record = validated(
        Person,
        {
            "id": ERASED_PREFIX + secrets.token_hex(8),
            "source": f"erasure: {reason}",
            "givenName": "Erased",
            "familyName": "person",
            "country": person["country"],
            "consent": {"basis": LawfulBasis.LEGITIMATE_INTERESTS, "date": moment[:10]},
        },
        ["reason"],
    )
    return {key: value for key, value in to_properties(record).items() if value is not None}
