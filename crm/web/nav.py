"""The site's main navigation: each page module may name its entry (``NAV``)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    """An entry of the main navigation: its label (a message id) and path after ``/{lang}``."""

    label: str
    path: str
