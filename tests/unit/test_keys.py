"""API keys: their shape, the salted hash kept of them, and the order of roles."""

import pytest

from crm.keys import Role, hash_secret, new_key, parse_token, verify_secret


def test_a_new_key_parses_back_to_its_id_and_secret() -> None:
    key = new_key()

    assert parse_token(key.token) == (key.key_id, key.secret)
    assert key.secret not in key.hash


@pytest.mark.parametrize(
    "token",
    ["", "crm_", "crm_abc_def", "xyz_0123456789ab_" + "a" * 43, new_key().token + "x"],
    ids=["empty", "prefix", "short", "other prefix", "a character too many"],  # the same in workers
)
def test_other_text_is_no_key(token: str) -> None:
    assert parse_token(token) is None


def test_the_hash_is_salted_and_checks_only_its_secret() -> None:
    key = new_key()

    assert hash_secret(key.secret) != hash_secret(key.secret)  # a fresh salt each time
    assert verify_secret(key.secret, key.hash)
    assert not verify_secret(new_key().secret, key.hash)
    assert not verify_secret(key.secret, "plain$" + key.hash)


def test_roles_are_ordered() -> None:
    assert Role.ADMIN.allows(Role.EDITOR)
    assert Role.EDITOR.allows(Role.READER)
    assert Role.EDITOR.allows(Role.EDITOR)
    assert not Role.READER.allows(Role.EDITOR)
    assert not Role.EDITOR.allows(Role.ADMIN)
