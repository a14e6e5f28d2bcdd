"""The site's pages. A page is a module here with

- ``routes``: its Starlette routes, paths starting with ``/{lang}/`` (the language segment);
- a ``.graphql`` file of the same name with the named queries it runs (``Operations.beside``);
- its templates in ``crm/web/templates/`` and its messages in the catalogs;
- optionally ``NAV`` (a ``crm.web.nav.NavItem``), its entry in the main navigation.

To add a page, write the module and list it in ``PAGES``.
"""

from types import ModuleType

from crm.web.pages import (
    clusters,
    events,
    home,
    initiatives,
    organizations,
    people,
    projects,
    search,
    topics,
)

PAGES: tuple[ModuleType, ...] = (
    home,
    clusters,
    search,
    organizations,
    people,
    events,
    initiatives,
    projects,
    topics,
)
"""Every page module, in the order of the navigation."""
