"""Hostile text for property-based tests: anything unicode, and what an attacker would try."""

from hypothesis import strategies as st

ATTACKS = (
    "') DETACH DELETE n //",
    "x'}) MATCH (n) DETACH DELETE n //",
    "` MATCH (n) RETURN n //",
    "%label%",
    "$id",
    "{id: 1}",
    "\\u0027",
    "\x00",
    "\r\n",
    "   ",
    "",
    "Søren Ærø Straße",
    "a" * 301,
    "'; CALL db.labels() YIELD label RETURN label //",
    "\U0001f600 \u202e",
)

hostile_text = st.one_of(
    st.sampled_from(ATTACKS),
    st.text(max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(ATTACKS), st.text(max_size=10)),
)
"""Text to put wherever a user can put text."""

valid_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,20}", fullmatch=True)
record_ids = st.one_of(valid_ids, hostile_text)
"""Ids, valid or anything."""

storable_text = hostile_text.filter(
    lambda text: bool(text.strip()) and "\x00" not in text and len(text) <= 300
)
"""Hostile text that the model takes as a name (at most 300 characters)."""
