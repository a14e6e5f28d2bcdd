"""The query string of an explorer's view, as the explorer page (``/{lang}/explore``) and the
export route (``/export/network.<format>``) read it: ``center`` (repeated for several),
``depth``, ``asOf``, ``crossBorderOnly``, ``minStrength``, ``sector``, ``tieKind`` and
``interactionKind`` (each repeated), ``limit``; the names and meanings of the API's ``network``
arguments."""

from typing import Any

from starlette.datastructures import QueryParams

_LISTS = {
    "center": "centers",
    "sector": "sectors",
    "tieKind": "tieKinds",
    "interactionKind": "interactionKinds",
}
_ENUMS = {"tieKind", "interactionKind"}
_SCALARS = {"depth": int, "asOf": str, "crossBorderOnly": bool, "minStrength": float, "limit": int}


class BadQuery(Exception):
    """The query string is not what a view takes."""


def view_variables(params: QueryParams, others: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The variables of ``network``'s arguments that a query string names (the parameters
    above; ``others`` are let through unread), or ``BadQuery`` saying what is wrong."""
    unknown = sorted(set(params) - set(_LISTS) - set(_SCALARS) - others)
    if unknown:
        known = ", ".join(sorted({*_LISTS, *_SCALARS}))
        raise BadQuery(f"unknown parameter {unknown[0]!r}; the parameters are {known}")
    variables: dict[str, Any] = {}
    for name, variable in _LISTS.items():
        values = params.getlist(name)
        if values:
            variables[variable] = [v.upper() for v in values] if name in _ENUMS else values
    if "centers" not in variables:
        raise BadQuery("name the view's centre: ?center=<id> (repeat it for several)")
    for name, kind in _SCALARS.items():
        if name in params:
            variables[name] = _scalar(name, params[name], kind)
    return variables


def _scalar(name: str, text: str, kind: type) -> Any:
    if kind is bool:
        if text.lower() not in {"true", "false"}:
            raise BadQuery(f"{name} must be true or false, not {text!r}")
        return text.lower() == "true"
    try:
        return kind(text)
    except ValueError:
        raise BadQuery(f"{name} must be {'an integer' if kind is int else 'a number'}") from None
