"""The site's pages. A page is a module here with

- ``routes``: its Starlette routes, paths starting with ``/{lang}/`` (the language segment);
- a ``.graphql`` file of the same name with the named operations it runs
  (``Operations.beside``), if it runs any;
- its templates in ``crm/web/templates/`` and its messages in the catalogs;
- optionally ``NAV`` (a ``crm.web.nav.NavItem``), its entry in the main navigation.

To add a page, write the module and list it in ``PAGES``.
"""

from types import ModuleType

from crm.web.pages import (
    account,
    brokers,
    clusters,
    dashboard,
    edit_cluster,
    events,
    explore,
    home,
    initiatives,
    introductions,
    new_interaction,
    new_job,
    new_organization,
    new_person,
    organizations,
    people,
    pick,
    projects,
    search,
    timeline,
    topics,
)

PAGES: tuple[ModuleType, ...] = (
    home,
    clusters,
    search,
    dashboard,
    organizations,
    people,
    events,
    initiatives,
    projects,
    timeline,
    topics,
    introductions,
    brokers,
    explore,
    account,
    edit_cluster,
    new_interaction,
    new_person,
    new_organization,
    new_job,
    pick,
)
"""Every page module, in the order of the navigation."""
