"""The web site: server-rendered pages in German, Danish and English over the GraphQL API.

Every page gets its data by running named GraphQL operations (``pages/*.graphql``) in-process
through ``crm.api.execution.InProcess`` with the visitor's role, so the API's access policy,
limits and compiled reads apply unchanged; this package holds no Cypher and imports nothing
else of ``crm.api``.
"""
