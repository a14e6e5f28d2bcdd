"""Search keys: text folded so that a search typed without accents or capitals still finds it."""

import unicodedata

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th"})


def fold(text: str) -> str:
    """``Sønderborg`` -> ``sonderborg``, ``Straße`` -> ``strasse``; runs of spaces become one."""
    lowered = text.casefold().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
